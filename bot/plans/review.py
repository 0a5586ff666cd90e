"""When a plan is due for review: rules as data, each flag with the reason a clinician reads."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import fmean


@dataclass(frozen=True)
class ReviewThresholds:
    max_age_days: int = 90  # safety plans: reviewed every 30-90 days
    not_helping_at_least: int = 2  # "did not help" ratings for one strategy
    craving_rise: float = 2.0  # points on the 0-10 scale
    recent_answers: int = 3  # the latest craving answers compared...
    baseline_days: int = 7  # ...with those in the first week of the version


@dataclass(frozen=True)
class ReviewFlag:
    rule: str
    reason: str


@dataclass(frozen=True)
class ReviewEvidence:
    plan_created_at: datetime
    now: datetime
    not_helping: Sequence[str]  # one strategy id per "did not help" rating
    cravings: Sequence[tuple[datetime, int]]  # craving answers (when, 0-10)
    titles: Mapping[str, str]  # coping id -> title, for readable reasons


def _too_old(e: ReviewEvidence, t: ReviewThresholds) -> list[str]:
    age = e.now - e.plan_created_at
    if age <= timedelta(days=t.max_age_days):
        return []
    return [
        f"This plan version is {age.days} days old; plans are reviewed at least every "
        f"{t.max_age_days} days"
    ]


def _not_helping(e: ReviewEvidence, t: ReviewThresholds) -> list[str]:
    counts = Counter(e.not_helping)
    return [
        f"Coping strategy '{e.titles.get(coping_id, coping_id)}' was rated as not helping "
        f"{count} times"
        for coping_id, count in sorted(counts.items())
        if count >= t.not_helping_at_least
    ]


def _cravings_worse(e: ReviewEvidence, t: ReviewThresholds) -> list[str]:
    first_week_end = e.plan_created_at + timedelta(days=t.baseline_days)
    answers = sorted(a for a in e.cravings if e.plan_created_at <= a[0] <= e.now)
    baseline = [value for at, value in answers if at < first_week_end]
    later = [value for at, value in answers if at >= first_week_end]
    if not baseline or len(later) < t.recent_answers:
        return []
    before, recent = fmean(baseline), fmean(later[-t.recent_answers :])
    if recent - before < t.craving_rise:
        return []
    return [
        f"Cravings are higher since this version: the last {t.recent_answers} answers "
        f"average {recent:.1f}, against {before:.1f} in its first {t.baseline_days} days"
    ]


REVIEW_RULES: tuple[tuple[str, Callable[[ReviewEvidence, ReviewThresholds], list[str]]], ...] = (
    ("age", _too_old),
    ("not_helping", _not_helping),
    ("cravings_worse", _cravings_worse),
)


def review_flags(
    plan_created_at: datetime,
    now: datetime,
    *,
    not_helping: Sequence[str] = (),
    cravings: Sequence[tuple[datetime, int]] = (),
    titles: Mapping[str, str] | None = None,
    thresholds: ReviewThresholds = ReviewThresholds(),
) -> list[ReviewFlag]:
    """Every rule that says this plan version should be reviewed, with its reason."""
    evidence = ReviewEvidence(plan_created_at, now, not_helping, cravings, titles or {})
    return [
        ReviewFlag(rule, reason)
        for rule, check in REVIEW_RULES
        for reason in check(evidence, thresholds)
    ]


def review_reasons(
    plan_created_at: datetime,
    now: datetime,
    *,
    max_age_days: int = 90,
    not_helping: Sequence[str] = (),
    cravings: Sequence[tuple[datetime, int]] = (),
    titles: Mapping[str, str] | None = None,
) -> list[str]:
    """The reasons this plan version is due for review; empty when it is not."""
    thresholds = ReviewThresholds(max_age_days=max_age_days)
    flags = review_flags(
        plan_created_at,
        now,
        not_helping=not_helping,
        cravings=cravings,
        titles=titles,
        thresholds=thresholds,
    )
    return [flag.reason for flag in flags]
