"""Risk rules: each signal becomes a finding with a stable rule id, a level and a reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.model import Level
from bot.domain.risk import (
    RULE_IDS,
    CheckinAnswers,
    Signals,
    TrendResult,
    TriageSignal,
    UnknownTriageLevel,
    assess,
    craving_trend,
    days_silent,
)
from bot.domain.thresholds import DEFAULT_THRESHOLDS, Thresholds, override_thresholds

NOW = datetime(2025, 6, 16, 12, 0, tzinfo=UTC)
ALWAYS_ISOLATING = Thresholds(always_escalate_warning_signs=frozenset({"isolating"}))
RISING = TrendResult(
    recent_mean=7.33, baseline_mean=4.33, rise=3.0, recent_points=3, baseline_points=4
)

RULE_TABLE = [
    pytest.param(
        Signals(checkin=CheckinAnswers(craving=9)),
        DEFAULT_THRESHOLDS,
        ("craving_high", Level.URGENT, "craving 9 ≥ default threshold 8"),
        id="craving_high",
    ),
    pytest.param(
        Signals(checkin=CheckinAnswers(used=True)),
        DEFAULT_THRESHOLDS,
        ("reported_use", Level.URGENT, "reported use"),
        id="reported_use",
    ),
    pytest.param(
        Signals(checkin=CheckinAnswers(confidence=2)),
        DEFAULT_THRESHOLDS,
        ("low_confidence", Level.WARN, "confidence 2 ≤ default threshold 3"),
        id="low_confidence",
    ),
    pytest.param(
        Signals(missed_in_a_row=3),
        DEFAULT_THRESHOLDS,
        ("missed_checkins", Level.WARN, "3 check-ins missed in a row (threshold 3)"),
        id="missed_checkins",
    ),
    pytest.param(
        Signals(silence_days=5),
        DEFAULT_THRESHOLDS,
        ("silence", Level.WARN, "no interaction for 5 days (threshold 4)"),
        id="silence",
    ),
    pytest.param(
        Signals(checkin=CheckinAnswers(warning_signs=frozenset({"isolating", "skipping_meals"}))),
        ALWAYS_ISOLATING,
        ("warning_sign", Level.URGENT, "warning sign always escalated by the plan: isolating"),
        id="warning_sign",
    ),
    pytest.param(
        Signals(trend=RISING),
        DEFAULT_THRESHOLDS,
        (
            "craving_trend",
            Level.WARN,
            "craving average 7.33 over the last 3 check-ins is 3 above the 14-day baseline "
            "4.33 (threshold 3)",
        ),
        id="craving_trend",
    ),
    pytest.param(
        Signals(triage=TriageSignal("crisis", ("talks about not wanting to live",))),
        DEFAULT_THRESHOLDS,
        (
            "triage_crisis",
            Level.CRISIS,
            "free text suggests crisis: talks about not wanting to live",
        ),
        id="triage_crisis",
    ),
    pytest.param(
        Signals(triage=TriageSignal("concern")),
        DEFAULT_THRESHOLDS,
        ("triage_concern", Level.WARN, "free text suggests concern"),
        id="triage_concern",
    ),
    pytest.param(
        Signals(sos=True),
        DEFAULT_THRESHOLDS,
        ("sos", Level.CRISIS, "SOS pressed"),
        id="sos",
    ),
    pytest.param(
        Signals(blocked_bot=True),
        DEFAULT_THRESHOLDS,
        ("blocked_bot", Level.WARN, "patient blocked the bot"),
        id="blocked_bot",
    ),
    pytest.param(
        Signals(delivery_failed=True),
        DEFAULT_THRESHOLDS,
        ("delivery_failed", Level.WARN, "a message could not be delivered after retries"),
        id="delivery_failed",
    ),
    pytest.param(
        Signals(message_set_aside=True),
        DEFAULT_THRESHOLDS,
        (
            "message_set_aside",
            Level.WARN,
            "a message from the patient could not be processed; ask them what they wrote",
        ),
        id="message_set_aside",
    ),
]


@pytest.mark.parametrize(("signals", "thresholds", "expected"), RULE_TABLE)
def test_each_rule_gives_one_finding_with_its_level_and_reason(
    signals: Signals, thresholds: Thresholds, expected: tuple[str, Level, str]
) -> None:
    result = assess(signals, thresholds)

    assert [(f.rule, f.level, f.reason) for f in result.findings] == [expected]
    assert result.level is expected[1]


def test_the_rule_table_above_covers_every_rule() -> None:
    covered = {param.id for param in RULE_TABLE}

    assert covered == RULE_IDS


def test_nothing_notable_gives_no_level_and_no_findings() -> None:
    calm = CheckinAnswers(craving=2, mood=7, used=False, confidence=8, sleep=7)

    result = assess(Signals(checkin=calm, missed_in_a_row=1, silence_days=0))

    assert result.level is None
    assert result.findings == ()


def test_a_partly_answered_checkin_is_judged_on_what_was_answered() -> None:
    result = assess(Signals(checkin=CheckinAnswers(mood=1)))

    assert result.level is None


def test_the_highest_finding_sets_the_level_and_comes_first() -> None:
    signals = Signals(checkin=CheckinAnswers(confidence=1), missed_in_a_row=4, sos=True)

    result = assess(signals)

    assert result.level is Level.CRISIS
    assert [f.rule for f in result.findings] == ["sos", "low_confidence", "missed_checkins"]
    assert result.rules == {"sos", "low_confidence", "missed_checkins"}
    assert result.reasons[0] == "SOS pressed"


def test_a_plan_threshold_overrides_the_default_and_says_so() -> None:
    plan = override_thresholds(DEFAULT_THRESHOLDS, {"craving_at_least": 6})
    six = Signals(checkin=CheckinAnswers(craving=6))

    assert assess(six, DEFAULT_THRESHOLDS).findings == ()
    assert assess(six, plan).reasons == ("craving 6 ≥ plan threshold 6",)


def test_a_plan_may_raise_the_level_of_a_rule() -> None:
    plan = override_thresholds(DEFAULT_THRESHOLDS, {"use_level": "crisis"})

    result = assess(Signals(checkin=CheckinAnswers(used=True)), plan)

    assert result.level is Level.CRISIS


@pytest.mark.parametrize(
    ("at_threshold", "one_step_short"),
    [
        pytest.param(
            Signals(checkin=CheckinAnswers(craving=8)),
            Signals(checkin=CheckinAnswers(craving=7)),
            id="craving",
        ),
        pytest.param(
            Signals(checkin=CheckinAnswers(confidence=3)),
            Signals(checkin=CheckinAnswers(confidence=4)),
            id="confidence",
        ),
        pytest.param(Signals(missed_in_a_row=3), Signals(missed_in_a_row=2), id="missed"),
        pytest.param(Signals(silence_days=4), Signals(silence_days=3), id="silence"),
        pytest.param(
            Signals(trend=RISING),
            Signals(trend=TrendResult(7.0, 4.01, 2.99, 3, 4)),
            id="trend",
        ),
    ],
)
def test_a_value_exactly_at_the_threshold_fires_and_one_step_short_does_not(
    at_threshold: Signals, one_step_short: Signals
) -> None:
    assert len(assess(at_threshold).findings) == 1
    assert assess(one_step_short).findings == ()


@pytest.mark.parametrize(
    ("signals", "thresholds"),
    [
        pytest.param(
            Signals(checkin=CheckinAnswers(craving=10)),
            Thresholds(craving_at_least=None),
            id="craving",
        ),
        pytest.param(
            Signals(checkin=CheckinAnswers(used=True)), Thresholds(any_use=False), id="use"
        ),
        pytest.param(
            Signals(checkin=CheckinAnswers(confidence=0)),
            Thresholds(confidence_at_most=None),
            id="confidence",
        ),
        pytest.param(Signals(missed_in_a_row=9), Thresholds(missed_in_a_row=None), id="missed"),
        pytest.param(Signals(silence_days=30), Thresholds(silence_days=None), id="silence"),
        pytest.param(Signals(trend=RISING), Thresholds(trend_rise=None), id="trend"),
    ],
)
def test_a_threshold_switched_off_never_fires(signals: Signals, thresholds: Thresholds) -> None:
    assert assess(signals, thresholds).findings == ()


def test_a_warning_sign_the_plan_does_not_always_escalate_gives_no_finding() -> None:
    signals = Signals(checkin=CheckinAnswers(warning_signs=frozenset({"skipping_meals"})))

    assert assess(signals, ALWAYS_ISOLATING).findings == ()


def test_several_escalated_warning_signs_make_one_finding_naming_them_in_order() -> None:
    plan = Thresholds(always_escalate_warning_signs=frozenset({"isolating", "cash_seeking"}))
    signals = Signals(
        checkin=CheckinAnswers(warning_signs=frozenset({"isolating", "cash_seeking"}))
    )

    (finding,) = assess(signals, plan).findings

    assert finding.reason == "warning signs always escalated by the plan: cash_seeking, isolating"


def test_reporting_no_use_gives_no_finding() -> None:
    assert assess(Signals(checkin=CheckinAnswers(used=False))).findings == ()


def test_triage_level_none_gives_no_finding() -> None:
    assert assess(Signals(triage=TriageSignal("none", ("ordinary message",)))).findings == ()


def test_sos_and_crisis_text_stay_crisis_whatever_the_plan_says() -> None:
    relaxed = override_thresholds(
        DEFAULT_THRESHOLDS, {"triage_concern_level": "info", "blocked_bot_level": "info"}
    )

    result = assess(Signals(sos=True, triage=TriageSignal("crisis")), relaxed)

    assert [f.level for f in result.findings] == [Level.CRISIS, Level.CRISIS]


def test_an_unknown_triage_level_is_refused_rather_than_ignored() -> None:
    with pytest.raises(UnknownTriageLevel, match=r"'panic'.*none, concern, crisis"):
        assess(Signals(triage=TriageSignal("panic")))


class _TriageLevel(StrEnum):
    CONCERN = "concern"


@dataclass(frozen=True)
class _TriageResult:
    level: _TriageLevel
    reasons: tuple[str, ...]


def test_any_triage_result_with_a_string_enum_level_and_reasons_is_understood() -> None:
    result = assess(Signals(triage=_TriageResult(_TriageLevel.CONCERN, ("hopeless wording",))))

    assert result.reasons == ("free text suggests concern: hopeless wording",)


@pytest.mark.parametrize("name", ["craving", "mood", "confidence", "sleep"])
def test_a_scale_answer_outside_0_to_10_is_rejected(name: str) -> None:
    with pytest.raises(InvalidInput, match=name):
        CheckinAnswers(**{name: 11})  # type: ignore[arg-type]


# --- craving trend ----------------------------------------------------------------------


def _days_ago(days: float, craving: int) -> tuple[datetime, int]:
    return (NOW - timedelta(days=days), craving)


BASELINE = [_days_ago(12, 3), _days_ago(9, 4), _days_ago(6, 5), _days_ago(4, 4)]
RECENT = [_days_ago(2, 7), _days_ago(1, 7), _days_ago(0, 7)]


def test_the_trend_compares_the_last_three_cravings_with_the_14_days_before_them() -> None:
    trend = craving_trend(BASELINE + RECENT, NOW)

    assert trend == TrendResult(
        recent_mean=7.0, baseline_mean=4.0, rise=3.0, recent_points=3, baseline_points=4
    )


def test_the_trend_is_computed_exactly_so_a_rise_of_three_thirds_is_three() -> None:
    baseline = [_days_ago(6, 4), _days_ago(5, 4), _days_ago(4, 5)]
    recent = [_days_ago(2, 7), _days_ago(1, 7), _days_ago(0, 8)]

    trend = craving_trend(baseline + recent, NOW)

    assert trend is not None and trend.rise == 3.0
    assert assess(Signals(trend=trend)).rules == {"craving_trend"}


def test_the_order_of_points_does_not_matter() -> None:
    assert craving_trend(list(reversed(BASELINE + RECENT)), NOW) == craving_trend(
        BASELINE + RECENT, NOW
    )


def test_no_trend_with_fewer_than_three_recent_points() -> None:
    assert craving_trend(RECENT[:2], NOW) is None


def test_no_trend_with_fewer_than_three_baseline_points() -> None:
    assert craving_trend(BASELINE[:2] + RECENT, NOW) is None


def test_points_more_than_14_days_before_the_recent_ones_are_not_baseline() -> None:
    old = [_days_ago(20, 1), _days_ago(19, 1), _days_ago(18, 1)]

    assert craving_trend(old + BASELINE[-2:] + RECENT, NOW) is None


def test_points_after_now_are_ignored() -> None:
    future = [(NOW + timedelta(hours=1), 0)]

    assert craving_trend(BASELINE + RECENT + future, NOW) == craving_trend(BASELINE + RECENT, NOW)


def test_no_trend_when_the_newest_point_is_more_than_14_days_old() -> None:
    assert craving_trend(BASELINE + RECENT, NOW + timedelta(days=15)) is None


# --- silence ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        (NOW - timedelta(days=5, hours=3), 5),
        (NOW - timedelta(days=3, hours=23), 3),
        (None, 10),  # counted from `since`
        (NOW + timedelta(minutes=5), 0),
    ],
)
def test_days_silent_counts_whole_days(last: datetime | None, expected: int) -> None:
    assert days_silent(last, since=NOW - timedelta(days=10), now=NOW) == expected
