"""Explainable risk rules: signals in, findings with human-readable reasons out.

Everything here is pure. A caller gathers what it knows into :class:`Signals` (a check-in,
a free-text triage result, an SOS press, engagement facts, a craving trend) and calls
:func:`assess` with the patient's :class:`~bot.domain.thresholds.Thresholds`. Each rule in
:data:`RULES` looks at the signals and may produce one :class:`Finding`; the overall level
is the highest finding's level, or ``None`` when nothing fired.

A finding's ``rule`` id is stable (it is stored with escalations and used to merge them),
so never rename one; add a new rule instead.

Craving trend (see :func:`craving_trend`): the mean of the last
:data:`TREND_RECENT_POINTS` craving answers, against a baseline that is the mean of the
craving answers in the :data:`TREND_BASELINE_DAYS` days before the first of those recent
answers. A trend needs all recent points, at least :data:`TREND_MIN_BASELINE_POINTS`
baseline points, and a newest point no older than :data:`TREND_BASELINE_DAYS` days;
otherwise there is no trend (``None``), never a guess.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Protocol

from bot.domain.errors import InvalidInput
from bot.domain.model import Level
from bot.domain.thresholds import DEFAULT_THRESHOLDS, SCALE_MAX, SCALE_MIN, Thresholds

TREND_RECENT_POINTS = 3
TREND_BASELINE_DAYS = 14
TREND_MIN_BASELINE_POINTS = 3

TRIAGE_LEVELS = ("none", "concern", "crisis")


class UnknownTriageLevel(InvalidInput):
    """A triage result carried a level this module does not know; refusing to guess."""


# --- signals ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckinAnswers:
    """What a finished or partly answered check-in said; ``None`` means not answered.

    Scales are 0-10. ``triggers`` and ``warning_signs`` are plan ids, never free text.
    """

    craving: int | None = None
    mood: int | None = None
    triggers: frozenset[str] = frozenset()
    used: bool | None = None
    confidence: int | None = None
    sleep: int | None = None
    warning_signs: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for name in ("craving", "mood", "confidence", "sleep"):
            value = getattr(self, name)
            if value is not None and not SCALE_MIN <= value <= SCALE_MAX:
                raise InvalidInput(f"{name} must be between {SCALE_MIN} and {SCALE_MAX}")


class TriageOutcome(Protocol):
    """The shape of a free-text triage result: ``level`` is none, concern or crisis."""

    @property
    def level(self) -> str: ...

    @property
    def reasons(self) -> Sequence[str]: ...


@dataclass(frozen=True)
class TriageSignal:
    """A plain :class:`TriageOutcome`, for callers that hold only the level and reasons."""

    level: str
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class TrendResult:
    """A craving trend: recent mean against baseline mean, rounded to 2 decimals."""

    recent_mean: float
    baseline_mean: float
    rise: float
    recent_points: int
    baseline_points: int


@dataclass(frozen=True)
class Signals:
    """Everything known at one moment; leave out (default) what does not apply."""

    checkin: CheckinAnswers | None = None
    triage: TriageOutcome | None = None
    emergency: bool = False  # with triage: the text describes a medical emergency happening now
    sos: bool = False
    missed_in_a_row: int = 0
    silence_days: int | None = None  # whole days since the last interaction
    blocked_bot: bool = False
    delivery_failed: bool = False  # a message could not be delivered after all retries
    message_set_aside: bool = False  # a message from the patient failed processing for good
    trend: TrendResult | None = None


# --- results ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    rule: str
    level: Level
    reason: str


@dataclass(frozen=True)
class RiskAssessment:
    """Findings, highest level first; ``level`` is ``None`` when there are none."""

    level: Level | None
    findings: tuple[Finding, ...]

    @property
    def rules(self) -> frozenset[str]:
        return frozenset(f.rule for f in self.findings)

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(f.reason for f in self.findings)


# --- rules ------------------------------------------------------------------------------

Evaluator = Callable[[Signals, Thresholds], Finding | None]


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    evaluate: Evaluator


def _threshold(thresholds: Thresholds, name: str) -> str:
    return f"{thresholds.origin(name)} threshold"


def _craving_high(s: Signals, t: Thresholds) -> Finding | None:
    craving = s.checkin.craving if s.checkin else None
    if craving is None or t.craving_at_least is None or craving < t.craving_at_least:
        return None
    limit = _threshold(t, "craving_at_least")
    reason = f"craving {craving} ≥ {limit} {t.craving_at_least}"
    return Finding("craving_high", t.craving_level, reason)


def _reported_use(s: Signals, t: Thresholds) -> Finding | None:
    if not (t.any_use and s.checkin and s.checkin.used is True):
        return None
    return Finding("reported_use", t.use_level, "reported use")


def _low_confidence(s: Signals, t: Thresholds) -> Finding | None:
    confidence = s.checkin.confidence if s.checkin else None
    limit = t.confidence_at_most
    if confidence is None or limit is None or confidence > limit:
        return None
    reason = f"confidence {confidence} ≤ {_threshold(t, 'confidence_at_most')} {limit}"
    return Finding("low_confidence", t.confidence_level, reason)


def _missed_checkins(s: Signals, t: Thresholds) -> Finding | None:
    limit = t.missed_in_a_row
    if limit is None or s.missed_in_a_row < limit:
        return None
    reason = f"{s.missed_in_a_row} check-ins missed in a row (threshold {limit})"
    return Finding("missed_checkins", t.missed_level, reason)


def _silence(s: Signals, t: Thresholds) -> Finding | None:
    limit = t.silence_days
    if s.silence_days is None or limit is None or s.silence_days < limit:
        return None
    reason = f"no interaction for {s.silence_days} days (threshold {limit})"
    return Finding("silence", t.silence_level, reason)


def _warning_sign(s: Signals, t: Thresholds) -> Finding | None:
    reported = s.checkin.warning_signs if s.checkin else frozenset()
    flagged = sorted(reported & t.always_escalate_warning_signs)
    if not flagged:
        return None
    noun = "warning sign" if len(flagged) == 1 else "warning signs"
    reason = f"{noun} always escalated by the plan: {', '.join(flagged)}"
    return Finding("warning_sign", t.warning_sign_level, reason)


def _craving_trend(s: Signals, t: Thresholds) -> Finding | None:
    trend, limit = s.trend, t.trend_rise
    if trend is None or limit is None or trend.rise < limit:
        return None
    reason = (
        f"craving average {trend.recent_mean:g} over the last {trend.recent_points} check-ins "
        f"is {trend.rise:g} above the {TREND_BASELINE_DAYS}-day baseline "
        f"{trend.baseline_mean:g} (threshold {limit:g})"
    )
    return Finding("craving_trend", t.trend_level, reason)


def _triage_level(s: Signals) -> str | None:
    if s.triage is None:
        return None
    level = str(s.triage.level)
    if level not in TRIAGE_LEVELS:
        raise UnknownTriageLevel(
            f"unknown triage level {level!r}; expected one of {', '.join(TRIAGE_LEVELS)}"
        )
    return level


def _triage_reason(summary: str, s: Signals) -> str:
    reasons = tuple(s.triage.reasons) if s.triage else ()
    return f"{summary}: {'; '.join(reasons)}" if reasons else summary


def _triage_crisis(s: Signals, t: Thresholds) -> Finding | None:
    if _triage_level(s) != "crisis":
        return None
    summary = "free text suggests crisis"
    if s.emergency:  # the same rule and level as any crisis text; the reason says which
        summary = "free text describes a medical emergency now"
    return Finding("triage_crisis", Level.CRISIS, _triage_reason(summary, s))


def _triage_concern(s: Signals, t: Thresholds) -> Finding | None:
    if _triage_level(s) != "concern":
        return None
    reason = _triage_reason("free text suggests concern", s)
    return Finding("triage_concern", t.triage_concern_level, reason)


def _sos(s: Signals, t: Thresholds) -> Finding | None:
    return Finding("sos", Level.CRISIS, "SOS pressed") if s.sos else None


def _blocked_bot(s: Signals, t: Thresholds) -> Finding | None:
    if not s.blocked_bot:
        return None
    return Finding("blocked_bot", t.blocked_bot_level, "patient blocked the bot")


def _delivery_failed(s: Signals, t: Thresholds) -> Finding | None:
    if not s.delivery_failed:
        return None
    reason = "a message could not be delivered after retries"
    return Finding("delivery_failed", t.delivery_failed_level, reason)


def _message_set_aside(s: Signals, t: Thresholds) -> Finding | None:
    if not s.message_set_aside:
        return None
    reason = "a message from the patient could not be processed; ask them what they wrote"
    return Finding("message_set_aside", Level.WARN, reason)


RULES: tuple[Rule, ...] = (
    Rule("sos", "the patient pressed SOS (always crisis)", _sos),
    Rule("triage_crisis", "free text reads as a crisis (always crisis)", _triage_crisis),
    Rule("triage_concern", "free text reads as a concern", _triage_concern),
    Rule("reported_use", "the patient reported use", _reported_use),
    Rule("craving_high", "craving at or above the threshold", _craving_high),
    Rule("warning_sign", "a warning sign the plan always escalates", _warning_sign),
    Rule("low_confidence", "confidence at or below the threshold", _low_confidence),
    Rule("craving_trend", "recent craving well above the 14-day baseline", _craving_trend),
    Rule("missed_checkins", "check-ins missed in a row", _missed_checkins),
    Rule("silence", "days without any interaction", _silence),
    Rule("blocked_bot", "the patient blocked the bot", _blocked_bot),
    Rule("delivery_failed", "a message could not be delivered after retries", _delivery_failed),
    Rule(
        "message_set_aside",
        "a message from the patient failed processing again and again (always warn)",
        _message_set_aside,
    ),
)
"""The rule table, in a stable order used to break ties between findings of one level."""

RULE_IDS: frozenset[str] = frozenset(rule.id for rule in RULES)


def assess(signals: Signals, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> RiskAssessment:
    """Run every rule in :data:`RULES` over ``signals``; findings sorted highest level first.

    Raises :class:`UnknownTriageLevel` if the triage result has a level other than
    none, concern or crisis.
    """
    found = [f for rule in RULES if (f := rule.evaluate(signals, thresholds)) is not None]
    ordered = sorted(found, key=lambda f: -f.level.rank)  # stable: ties keep table order
    level = max((f.level for f in ordered), key=lambda lv: lv.rank, default=None)
    return RiskAssessment(level=level, findings=tuple(ordered))


# --- helpers for building signals -------------------------------------------------------


def days_silent(last_interaction: datetime | None, since: datetime, now: datetime) -> int:
    """Whole days without interaction: from ``last_interaction`` (or ``since``) to ``now``.

    ``since`` is when the patient could first interact (e.g. enrolment), used when there
    has been no interaction at all. Never negative.
    """
    start = last_interaction or since
    return max(0, (now - start) // timedelta(days=1))


def craving_trend(points: Sequence[tuple[datetime, int]], now: datetime) -> TrendResult | None:
    """Recent craving mean against the 14-day baseline before it (see the module docstring).

    ``points`` are ``(answered_at, craving)`` pairs in any order; those after ``now`` are
    ignored. Returns ``None`` when there are too few points or the newest one is stale.
    """
    past = sorted((p for p in points if p[0] <= now), key=lambda p: p[0])
    if len(past) < TREND_RECENT_POINTS:
        return None
    recent = past[-TREND_RECENT_POINTS:]
    if now - recent[-1][0] > timedelta(days=TREND_BASELINE_DAYS):
        return None
    window_start = recent[0][0] - timedelta(days=TREND_BASELINE_DAYS)
    baseline = [p for p in past[:-TREND_RECENT_POINTS] if window_start <= p[0] < recent[0][0]]
    if len(baseline) < TREND_MIN_BASELINE_POINTS:
        return None
    recent_mean = Fraction(sum(v for _, v in recent), len(recent))
    baseline_mean = Fraction(sum(v for _, v in baseline), len(baseline))
    return TrendResult(
        recent_mean=round(float(recent_mean), 2),
        baseline_mean=round(float(baseline_mean), 2),
        rise=round(float(recent_mean - baseline_mean), 2),
        recent_points=len(recent),
        baseline_points=len(baseline),
    )
