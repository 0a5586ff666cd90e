"""Crisis defaults per deployment region."""

from __future__ import annotations

import pytest

from bot.plans.crisis import REGIONS, UnknownRegion, default_crisis, effective_crisis
from bot.plans.model import CrisisInfo, CrisisLine


@pytest.mark.parametrize(
    ("region", "emergency", "contacts"),
    [
        ("US", "911", ["Call or text 988", "Text HOME to 741741", "Call 1-800-662-4357"]),
        ("UK", "999", ["Call 116 123"]),
        ("AU", "000", ["Call 13 11 14"]),
        ("CA", "911", ["Call or text 9-8-8"]),
        ("IE", "112 or 999", ["Call 116 123"]),
        ("NZ", "111", ["Call or text 1737"]),
        ("ES", "112", ["Call 024"]),
    ],
)
def test_each_region_has_its_crisis_lines_and_emergency_number(
    region: str, emergency: str, contacts: list[str]
) -> None:
    crisis = default_crisis(region)

    assert crisis.emergency == emergency
    assert [line.contact for line in crisis.lines] == contacts


def test_region_codes_are_read_without_regard_to_case_and_gb_means_uk() -> None:
    assert default_crisis("uk") == default_crisis("GB") == default_crisis("UK")


def test_an_unknown_region_is_refused_with_the_regions_known() -> None:
    with pytest.raises(UnknownRegion) as raised:
        default_crisis("FR")

    assert all(code in str(raised.value) for code in REGIONS)


def test_a_plan_without_crisis_details_gets_the_default() -> None:
    assert effective_crisis(CrisisInfo(), default_crisis("NZ")) == default_crisis("NZ")


def test_a_plan_number_replaces_only_the_number() -> None:
    crisis = effective_crisis(CrisisInfo(emergency="112"), default_crisis("UK"))

    assert crisis.emergency == "112" and crisis.lines == default_crisis("UK").lines


def test_plan_lines_replace_only_the_lines() -> None:
    lines = (CrisisLine("Night line", "Call 555 0199"),)

    crisis = effective_crisis(CrisisInfo(lines=lines), default_crisis("AU"))

    assert crisis == CrisisInfo(lines=lines, emergency="000")
