"""Templates: each validates, explains itself in comments, and says what is left to fill in."""

from __future__ import annotations

import pytest
import yaml

from bot.plans.errors import UnknownTemplate
from bot.plans.model import CopingKind
from bot.plans.parser import SECTIONS, parse_plan, validate_plan
from bot.plans.templates import (
    find_placeholders,
    template_description,
    template_names,
    template_text,
)

REQUIRED = ["relapse-prevention", "safety-plan", "alcohol", "opioids", "minimal"]


def test_the_required_templates_exist() -> None:
    assert set(REQUIRED) <= set(template_names())


@pytest.mark.parametrize("name", template_names())
def test_every_template_validates(name: str) -> None:
    assert validate_plan(template_text(name), source=f"{name}.yaml") == []


@pytest.mark.parametrize("name", template_names())
def test_every_template_has_a_one_line_description(name: str) -> None:
    description = template_description(name)

    assert description and "\n" not in description


@pytest.mark.parametrize("name", template_names())
def test_every_section_of_a_template_is_explained_by_a_comment_above_it(name: str) -> None:
    lines = template_text(name).splitlines()
    sections = [i for i, line in enumerate(lines) if line.split(":")[0] in SECTIONS]

    for index in sections:
        above = lines[max(0, index - 3) : index]
        assert any(line.startswith("#") for line in above), lines[index]


def test_an_unknown_template_is_refused_with_the_names_that_exist() -> None:
    with pytest.raises(UnknownTemplate) as raised:
        template_text("relapse")

    assert "relapse-prevention" in str(raised.value) and "minimal" in str(raised.value)


def test_the_safety_plan_has_the_six_safety_planning_steps() -> None:
    plan = parse_plan(template_text("safety-plan"))

    assert plan.warning_signs  # 1 warning signs
    assert any(c.kind is not CopingKind.SOCIAL_DISTRACTION for c in plan.coping)  # 2 internal
    assert any(c.kind is CopingKind.SOCIAL_DISTRACTION for c in plan.coping)  # 3 distraction
    assert plan.supports  # 4 people who can help
    assert plan.professionals  # 5 professionals (crisis lines from the region)
    assert plan.safe_environment  # 6 a safer environment
    assert any(sign.escalate for sign in plan.warning_signs)


def test_the_opioid_template_covers_naloxone_and_lower_tolerance_after_a_break() -> None:
    plan = parse_plan(template_text("opioids"))
    slip = plan.after_a_slip

    assert slip is not None
    words = " ".join([slip.message or "", *slip.steps, *plan.safe_environment]).lower()
    assert "naloxone" in words and "overdose" in words
    assert "cannot handle what it used to" in words


def test_the_alcohol_template_warns_about_stopping_heavy_drinking_suddenly() -> None:
    slip = parse_plan(template_text("alcohol")).after_a_slip

    assert slip is not None and any("withdrawal" in step for step in slip.steps)


def test_placeholders_left_in_a_plan_are_listed_with_their_place() -> None:
    text = "reasons: [Stay well]\nsupports:\n  - name: Sam\n    contact: <their phone number>\n"

    (found,) = find_placeholders(text, source="plan.yaml")

    assert str(found) == (
        "plan.yaml:4:14: supports[0].contact: placeholder <their phone number> is still to be "
        "filled in"
    )


def test_a_filled_in_plan_has_no_placeholders() -> None:
    assert find_placeholders("reasons: [Stay well]\n") == []


def test_templates_are_plain_yaml_a_clinician_can_load_anywhere() -> None:
    for name in template_names():
        assert isinstance(yaml.safe_load(template_text(name)), dict)
