"""Pure summaries of a :class:`~bot.services.reviews.PatientReview`, for the printed report.

Scale series, adherence per local day or week, trigger and coping counts, urge-surfing
averages and the report's plain-sentence summary. Functions of the snapshot only: no
store, no clock.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import fmean

from bot.domain.model import CheckinStatus, EscalationStatus
from bot.plans.model import QuestionKind
from bot.services.reviews import URGE_SURFING, PatientReview, selected_labels

MISSED = frozenset({CheckinStatus.MISSED, CheckinStatus.EXPIRED})


@dataclass(frozen=True)
class AdherenceBucket:
    start: date  # a local day, or the Monday of a week
    completed: int
    missed: int  # missed, or started and not finished in time


@dataclass(frozen=True)
class CopingStat:
    strategy: str
    title: str
    tried: int
    yes: int
    some: int
    no: int


@dataclass(frozen=True)
class UrgeSurfing:
    sessions: int
    rated: int  # sessions with both a before and an after rating
    before: float | None  # mean craving before, over rated sessions
    after: float | None


def scale_series(review: PatientReview, kind: QuestionKind) -> list[tuple[datetime, int]]:
    """(local due time, value) of every answer of this kind, oldest first."""
    points = []
    for view in review.checkins:
        value = view.value(kind)
        if isinstance(value, int) and not isinstance(value, bool):
            points.append((review.local(view.checkin.due_at), value))
    return points


def adherence(review: PatientReview, *, weekly: bool) -> list[AdherenceBucket]:
    """Completed and missed check-ins per local day (or week), every bucket of the period."""

    def bucket(day: date) -> date:
        return day - timedelta(days=day.weekday()) if weekly else day

    completed: Counter[date] = Counter()
    missed: Counter[date] = Counter()
    for view in review.checkins:
        day = bucket(review.local(view.checkin.due_at).date())
        if view.checkin.status is CheckinStatus.COMPLETED:
            completed[day] += 1
        elif view.checkin.status in MISSED:
            missed[day] += 1
    days = [*completed, *missed]
    first = bucket(review.local(review.since).date()) if review.since else min(days, default=None)
    last = bucket(review.local(review.until).date())
    if first is None:
        return []
    step = timedelta(days=7 if weekly else 1)
    out = []
    current = first
    while current <= last:
        out.append(AdherenceBucket(current, completed[current], missed[current]))
        current += step
    return out


def trigger_counts(review: PatientReview) -> list[tuple[str, int]]:
    """How often each trigger was reported, by label, most frequent first."""
    counts: Counter[str] = Counter()
    for view in review.checkins:
        plan = review.plan(view.checkin.plan_version)
        for answer in view.answers:
            if answer.kind == QuestionKind.TRIGGERS.value:
                counts.update(selected_labels(QuestionKind.TRIGGERS, plan, answer.value))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def coping_stats(review: PatientReview) -> list[CopingStat]:
    """Per strategy: times tried and the patient's "did it help?" answers."""
    order: list[str] = []
    helped: dict[str, Counter[str]] = {}
    for session in review.coping:
        if session.strategy not in helped:
            order.append(session.strategy)
            helped[session.strategy] = Counter()
        helped[session.strategy]["tried"] += 1
        if session.helped is not None:
            helped[session.strategy][session.helped] += 1
    return [
        CopingStat(
            s,
            review.strategy_title(s),
            helped[s]["tried"],
            helped[s]["yes"],
            helped[s]["some"],
            helped[s]["no"],
        )
        for s in order
    ]


def urge_surfing(review: PatientReview) -> UrgeSurfing:
    sessions = [s for s in review.coping if s.strategy == URGE_SURFING]
    rated = [s for s in sessions if s.before is not None and s.after is not None]
    return UrgeSurfing(
        len(sessions),
        len(rated),
        fmean(s.before for s in rated if s.before is not None) if rated else None,
        fmean(s.after for s in rated if s.after is not None) if rated else None,
    )


def summary_lines(review: PatientReview) -> list[str]:
    """The report's plain-sentence summary: answers, urge surfing, escalations."""
    cravings = [v for _, v in scale_series(review, QuestionKind.CRAVING)]
    moods = [v for _, v in scale_series(review, QuestionKind.MOOD)]
    uses = [v.value(QuestionKind.USE) for v in review.checkins]
    answered = [u for u in uses if isinstance(u, bool)]
    parts = []
    if cravings:
        parts.append(f"craving {fmean(cravings):.1f} on average (highest {max(cravings)})")
    if moods:
        parts.append(f"mood {fmean(moods):.1f} on average (lowest {min(moods)})")
    if answered:
        parts.append(f"use reported {sum(answered)} of {len(answered)} times asked")
    lines = ["Answers: " + "; ".join(parts) + "." if parts else "Answers: none in this period."]
    surf = urge_surfing(review)
    if surf.sessions == 0:
        lines.append("Urge surfing: not used in this period.")
    elif surf.before is None or surf.after is None:
        lines.append(f"Urge surfing: {surf.sessions} sessions, none rated before and after.")
    else:
        lines.append(
            f"Urge surfing: {surf.sessions} sessions; craving {surf.before:.1f} before → "
            f"{surf.after:.1f} after on average ({surf.rated} rated before and after)."
        )
    levels = Counter(e.level for e in review.escalations)
    unresolved = sum(1 for e in review.escalations if e.status is not EscalationStatus.RESOLVED)
    if not review.escalations:
        lines.append("Escalations: none.")
    else:
        counts = ", ".join(
            f"{levels[lv]} {lv.value}" for lv in sorted(levels, key=lambda lv: -lv.rank)
        )
        lines.append(
            f"Escalations: {len(review.escalations)} ({counts}); {unresolved} not yet resolved."
        )
    return lines
