"""Thresholds: deployment defaults, overridden by the plan, always checked."""

from __future__ import annotations

import pytest

from bot.domain.model import Level
from bot.domain.thresholds import (
    DEFAULT_THRESHOLDS,
    InvalidThresholds,
    Thresholds,
    override_thresholds,
)


def test_the_defaults_are_the_agreed_values_and_levels() -> None:
    t = DEFAULT_THRESHOLDS

    assert (t.craving_at_least, t.craving_level) == (8, Level.URGENT)
    assert (t.any_use, t.use_level) == (True, Level.URGENT)
    assert (t.confidence_at_most, t.confidence_level) == (3, Level.WARN)
    assert (t.missed_in_a_row, t.missed_level) == (3, Level.WARN)
    assert (t.silence_days, t.silence_level) == (4, Level.WARN)
    assert (t.always_escalate_warning_signs, t.warning_sign_level) == (frozenset(), Level.URGENT)
    assert (t.trend_rise, t.trend_level) == (3.0, Level.WARN)
    assert (t.triage_concern_level, t.blocked_bot_level, t.delivery_failed_level) == (
        Level.WARN,
        Level.WARN,
        Level.WARN,
    )


def test_overridden_values_are_marked_as_from_the_plan_and_the_rest_stay_default() -> None:
    plan = override_thresholds(
        DEFAULT_THRESHOLDS,
        {
            "craving_at_least": 6,
            "silence_level": "URGENT",
            "always_escalate_warning_signs": ["isolating"],
            "trend_rise": 2,
        },
    )

    assert plan.craving_at_least == 6
    assert plan.silence_level is Level.URGENT
    assert plan.always_escalate_warning_signs == frozenset({"isolating"})
    assert plan.trend_rise == 2.0
    assert plan.origin("craving_at_least") == "plan"
    assert plan.origin("confidence_at_most") == "default"


def test_a_plan_may_switch_a_rule_off_with_null() -> None:
    plan = override_thresholds(DEFAULT_THRESHOLDS, {"silence_days": None})

    assert plan.silence_days is None


def test_overriding_changes_nothing_in_the_defaults() -> None:
    override_thresholds(DEFAULT_THRESHOLDS, {"craving_at_least": 5})

    assert DEFAULT_THRESHOLDS.craving_at_least == 8


def test_an_unknown_name_is_refused_with_the_list_of_valid_names() -> None:
    with pytest.raises(InvalidThresholds, match=r"'craving'.*craving_at_least, craving_level"):
        override_thresholds(DEFAULT_THRESHOLDS, {"craving": 7})


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"craving_at_least": 11}, "between 0 and 10"),
        ({"confidence_at_most": -1}, "between 0 and 10"),
        ({"missed_in_a_row": 0}, "at least 1"),
        ({"silence_days": 0}, "at least 1"),
        ({"trend_rise": 0}, "above 0"),
        ({"craving_at_least": "8"}, "whole number"),
        ({"craving_at_least": True}, "whole number"),
        ({"missed_in_a_row": 2.5}, "whole number"),
        ({"trend_rise": "3"}, "a number"),
        ({"any_use": "yes"}, "true or false"),
        ({"craving_level": "severe"}, "info, warn, urgent, crisis"),
        ({"always_escalate_warning_signs": "isolating"}, "a list"),
        ({"always_escalate_warning_signs": ["", "x"]}, "non-empty"),
    ],
)
def test_a_bad_value_is_refused_with_what_would_be_valid(
    overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidThresholds, match=message):
        override_thresholds(DEFAULT_THRESHOLDS, overrides)


def test_thresholds_built_directly_are_checked_too() -> None:
    with pytest.raises(InvalidThresholds, match="craving_at_least"):
        Thresholds(craving_at_least=12)


def test_deployment_overrides_stay_marked_as_defaults() -> None:
    deployment = override_thresholds(DEFAULT_THRESHOLDS, {"silence_days": 7}, origin="default")
    plan = override_thresholds(deployment, {"craving_at_least": 7})

    assert deployment.origin("silence_days") == "default"
    assert plan.silence_days == 7
    assert (plan.origin("silence_days"), plan.origin("craving_at_least")) == ("default", "plan")
