"""Crisis numbers per region (ISO 3166 country), and a patient's region from their zone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.plans.crisis import (
    REGIONS,
    UnknownRegion,
    check_region,
    choose_region,
    default_crisis,
    effective_crisis,
    has_crisis_lines,
    region_for_zone,
    zone_country,
)
from bot.plans.crisis_lines import REGION_TABLE
from bot.plans.model import CrisisInfo, CrisisLine
from bot.plans.zone_countries import ZONE_COUNTRY

EU = "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE"
LATIN_AMERICA = "MX AR BR CL CO PE EC UY PY VE CR PA SV HN DO"
ALSO = "GB US CA AU NZ IN JP ZA SG PH KR CN HK TW ID MY TH VN AE IL TR NG KE EG PK BD"


@pytest.mark.parametrize(
    ("region", "emergency", "contacts"),
    [
        ("US", "911", ["Call or text 988", "Text HOME to 741741", "Call 1-800-662-4357"]),
        ("GB", "999 or 112", ["Call 116 123"]),
        ("AU", "000", ["Call 13 11 14 or text 0477 13 11 14"]),
        ("CA", "911", ["Call or text 9-8-8"]),
        ("IE", "112 or 999", ["Call 116 123"]),
        ("NZ", "111", ["Call or text 1737"]),
        ("ES", "112", ["Call 024"]),
        ("DE", "112", ["Call 0800 111 0 111, 0800 111 0 222 or 116 123"]),
        ("FR", "112 or 15", ["Call 3114"]),
        ("MX", "911", ["Call 800 911 2000"]),
        ("BR", "192 (ambulance) or 190 (police)", ["Call 188"]),
        ("IN", "112", ["Call 14416 or 1-800-891-4416"]),
        ("CL", "131 (ambulance) or 133 (police)", ["Call *4141"]),
    ],
)
def test_each_region_has_its_crisis_lines_and_emergency_number(
    region: str, emergency: str, contacts: list[str]
) -> None:
    crisis = default_crisis(region)

    assert crisis.emergency == emergency
    assert [line.contact for line in crisis.lines] == contacts


@pytest.mark.parametrize("region", (EU + " " + LATIN_AMERICA + " " + ALSO).split())
def test_every_region_asked_for_is_covered_with_an_emergency_number(region: str) -> None:
    assert default_crisis(region).emergency


def test_every_eu_country_has_112() -> None:
    assert all("112" in default_crisis(code).emergency for code in EU.split())


def test_a_region_without_a_verified_line_has_the_emergency_number_only() -> None:
    assert default_crisis("DK") == CrisisInfo(emergency="112")
    assert not has_crisis_lines("DK") and has_crisis_lines("DE")


def test_region_codes_are_read_without_regard_to_case_and_uk_means_gb() -> None:
    assert default_crisis("uk") == default_crisis("GB") == default_crisis("gb")
    assert check_region(" de ") == "DE" and check_region("UK") == "GB"


def test_an_unknown_region_is_refused_naming_every_valid_code() -> None:
    with pytest.raises(UnknownRegion) as raised:
        default_crisis("XX")

    assert "'XX'" in str(raised.value) and "ISO 3166" in str(raised.value)
    assert all(code in str(raised.value) for code in REGIONS)


@pytest.mark.parametrize(
    ("zone", "region"),
    [
        ("Europe/Berlin", "DE"),
        ("Australia/Sydney", "AU"),
        ("America/Mexico_City", "MX"),
        ("Asia/Kolkata", "IN"),
        ("Asia/Calcutta", "IN"),  # the old name still in use
        ("Europe/London", "GB"),
        ("America/Toronto", "CA"),
        ("America/Argentina/Buenos_Aires", "AR"),
        ("America/Sao_Paulo", "BR"),
        ("Asia/Tokyo", "JP"),
        ("Africa/Johannesburg", "ZA"),
        ("Asia/Singapore", "SG"),
        ("Asia/Manila", "PH"),
        ("Europe/Busingen", "DE"),  # a German town on Swiss time
    ],
)
def test_a_time_zone_gives_its_countrys_region(zone: str, region: str) -> None:
    assert region_for_zone(zone) == region


def test_a_zone_without_a_country_gives_no_region() -> None:
    assert zone_country("UTC") is None and region_for_zone("Etc/GMT+5") is None


def test_a_zone_whose_country_has_no_numbers_here_gives_no_region() -> None:
    assert zone_country("Asia/Kathmandu") == "NP" and region_for_zone("Asia/Kathmandu") is None


def test_an_explicit_region_that_disagrees_with_the_zone_is_flagged() -> None:
    choice = choose_region("Europe/Berlin", "au")

    assert (choice.region, choice.zone_country, choice.disagrees) == ("AU", "DE", True)


def test_an_explicit_region_matching_the_zone_is_not_flagged() -> None:
    assert not choose_region("Europe/Berlin", "DE").disagrees


def test_no_region_and_a_zone_without_country_falls_back_to_the_clinic_default() -> None:
    choice = choose_region("UTC", None)

    assert choice.region is None and choice.fell_back and not choice.disagrees


def test_the_table_covers_every_zone_of_the_shipped_tz_database() -> None:
    tzdata = pytest.importorskip("tzdata")
    zone_tab = Path(os.path.dirname(tzdata.__file__)) / "zoneinfo" / "zone.tab"
    rows = [line.split("\t") for line in zone_tab.read_text().splitlines() if line[:1] != "#"]
    assert {row[2]: row[0] for row in rows} == {
        zone: country for zone, country in ZONE_COUNTRY.items() if zone in {r[2] for r in rows}
    }


def test_every_region_entry_has_a_name_and_its_own_code() -> None:
    assert all(r.name and r.code == code for code, r in REGION_TABLE.items())


def test_a_plan_without_crisis_details_gets_the_default() -> None:
    assert effective_crisis(CrisisInfo(), default_crisis("NZ")) == default_crisis("NZ")


def test_a_plan_number_replaces_only_the_number() -> None:
    crisis = effective_crisis(CrisisInfo(emergency="112"), default_crisis("GB"))

    assert crisis.emergency == "112" and crisis.lines == default_crisis("GB").lines


def test_plan_lines_replace_only_the_lines() -> None:
    lines = (CrisisLine("Night line", "Call 555 0199"),)

    crisis = effective_crisis(CrisisInfo(lines=lines), default_crisis("AU"))

    assert crisis == CrisisInfo(lines=lines, emergency="000")


def test_the_safety_page_lists_every_region_with_its_emergency_number() -> None:
    page = (Path(__file__).parents[2] / "docs" / "safety.md").read_text()
    section = page.split("\n## Crisis lines by region\n", 1)[1]
    for code, region in REGION_TABLE.items():
        assert f"| {code} | " in section and f" | {region.crisis.emergency} | " in section, code
