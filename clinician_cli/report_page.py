"""The one-page report drawn with matplotlib: header, trends, adherence, triggers, coping.

Drawn without a display (the Agg canvas), so it works over SSH; ``draw_report`` returns
the figure and the caller saves it as PNG or PDF. Only the patient's reference and
initials appear on the page, never the full name. matplotlib is imported when a page is
drawn, not when the CLI starts.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.domain.ids import initials
from bot.domain.model import CheckinStatus, Escalation, Level
from bot.plans.model import QuestionKind
from bot.services.review_summaries import (
    MISSED,
    adherence,
    coping_stats,
    scale_track,
    summary_lines,
    trigger_counts,
    use_reports,
)
from bot.services.reviews import PatientReview, shorten

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Annotation

PAPER_SIZES = {"a4": (8.27, 11.69), "letter": (8.5, 11.0)}  # inches, portrait
LEVEL_COLOURS = {
    Level.INFO: "#7f8c8d",
    Level.WARN: "#e67e22",
    Level.URGENT: "#c0392b",
    Level.CRISIS: "#6c1d45",
}
HELPED = (  # (field, colour, legend)
    ("yes", "#2e8b57", "helped"),
    ("some", "#e0b000", "a little"),
    ("no", "#c0392b", "did not help"),
    ("unrated", "#cfd4d8", "not rated"),
)
NO_CHECKINS = "No check-ins in this period"
GREY = "#5d6d7e"
USE_COLOUR = "#1b2631"
# (kind, colour, marker, legend) of each line, per panel
CRAVING_MOOD = (
    (QuestionKind.CRAVING, "#c0392b", "o", "craving"),
    (QuestionKind.MOOD, "#2471a3", "s", "mood"),
)
CONFIDENCE_SLEEP = (
    (QuestionKind.CONFIDENCE, "#1e8449", "^", "confidence"),
    (QuestionKind.SLEEP, "#7d3c98", "D", "sleep"),
)
ALERT_Y = 11.2  # alert triangles and labels: a band above the 0-10 scale
USE_Y = -1.2  # "use reported" crosses: a band below it
LABEL_GAP = 3  # pixels kept between two alert labels
MIN_SPAN = 1 / 24  # days: a patient enrolled minutes ago still gets an hour of axis
SHORT_SPAN = 2  # days: periods this short get hour ticks and one bar per check-in
WEEKLY_SPAN = 45  # days: longer periods count check-ins per week


def from_enrolment(review: PatientReview) -> PatientReview:
    """The review with its period starting no earlier than the patient's enrolment."""
    enrolled = review.patient.created_at
    if review.since is not None and review.since >= enrolled:
        return review
    return replace(review, since=min(enrolled, review.until))


def origin(review: PatientReview) -> datetime:
    """Local midnight starting the period: x positions are days after it."""
    first = review.local(review.since or review.until)
    return first.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)


def day_number(review: PatientReview, moment: datetime) -> float:
    """Days from the period's first local midnight, by the patient's wall clock."""
    local = review.local(moment).replace(tzinfo=None)
    return (local - origin(review)).total_seconds() / 86400


def blank(ax: Axes, message: str) -> None:
    ax.text(
        0.5, 0.5, message, transform=ax.transAxes, ha="center", va="center", fontsize=11, color=GREY
    )


def span(review: PatientReview) -> tuple[float, float]:
    """First and last x of the period (days after ``origin``), at least an hour apart."""
    first = day_number(review, review.since or review.until)
    return first, max(day_number(review, review.until), first + MIN_SPAN)


def is_short(review: PatientReview) -> bool:
    first, last = span(review)
    return last - first <= SHORT_SPAN


def draw_report(
    review: PatientReview,
    *,
    days: int,
    author: str,
    size: tuple[float, float],
    jurisdiction: str = "US",
) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=size)
    FigureCanvasAgg(figure)  # no display: drawn in memory, saved as PNG or PDF
    grid = figure.add_gridspec(
        6,
        2,
        height_ratios=[0.7, 2.5, 1.35, 1.35, 2.1, 0.95],
        hspace=0.7,
        wspace=0.55,
        left=0.09,
        right=0.97,
        top=0.96,
        bottom=0.03,
    )
    shown = from_enrolment(review)  # the time axis starts at enrolment when that is later
    first, last = span(shown)
    header(figure.add_subplot(grid[0, :]), shown, days, clipped=shown.since != review.since)
    trends(figure.add_subplot(grid[1, :]), shown)
    confidence_sleep(figure.add_subplot(grid[2, :]), shown)
    attendance(figure.add_subplot(grid[3, :]), shown, weekly=last - first > WEEKLY_SPAN)
    triggers(figure.add_subplot(grid[4, 0]), review)
    coping(figure.add_subplot(grid[4, 1]), review)
    footer(figure.add_subplot(grid[5, :]), review, author, jurisdiction)
    return figure


def header(ax: Axes, review: PatientReview, days: int, *, clipped: bool = False) -> None:
    ax.axis("off")
    p = review.patient
    start = review.local(review.since or review.until)
    end = review.local(review.until)
    moment = "%d %b %Y %H:%M" if is_short(review) else "%d %b %Y"
    asked = f"{days} day{'' if days == 1 else 's'}"
    period = f"{start:{moment}} – {end:{moment}} " + (
        f"(since enrolment; {asked} asked)" if clipped else f"({asked})"
    )
    plan = review.current_plan
    plan_text = (
        "no plan yet"
        if plan is None
        else f"plan version {plan.version} of {plan.stored.created_at:%d %b %Y}"
    )
    ax.text(0, 1, "Relapse Companion · check-in report", fontsize=15, weight="bold", va="top")
    ax.text(
        0,
        0.45,
        f"Patient {p.reference} ({initials(p.name or '')})   ·   {period}",
        fontsize=9.5,
        va="top",
    )
    ax.text(
        0,
        0.05,
        f"{plan_text[0].upper()}{plan_text[1:]}   ·   care team {review.team.name}   ·   "
        f"times in {p.timezone}",
        fontsize=8,
        va="top",
        color=GREY,
    )


def time_axis(ax: Axes, review: PatientReview) -> None:
    """The period on x from its start: a date every day or few days (at most ~9 labels), or
    the hour (with the date where it changes) when the period is two days or less."""
    first, last = span(review)
    ax.set_xlim(first, last)
    if last - first > SHORT_SPAN:
        step = max(1, math.ceil((last - first) / 9))
        days = range(math.ceil(first), math.floor(last) + 1, step)
        ax.set_xticks(list(days), [f"{origin(review) + timedelta(days=d):%d %b}" for d in days])
    else:
        every = next(h for h in (1, 2, 3, 4, 6, 12) if (last - first) * 24 / h <= 8)
        hours = range(math.ceil(first * 24 / every) * every, math.floor(last * 24) + 1, every)
        moments = [origin(review) + timedelta(hours=h) for h in hours]
        labels = [
            f"{m:%H:%M}" if i and m.date() == moments[i - 1].date() else f"{m:%H:%M}\n{m:%d %b}"
            for i, m in enumerate(moments)
        ]
        ax.set_xticks([h / 24 for h in hours], labels)
    ax.tick_params(labelsize=7.5)


def scale_lines(
    ax: Axes, review: PatientReview, lines: tuple[tuple[QuestionKind, str, str, str], ...]
) -> list[Artist]:
    """One line per scale, broken (NaN) wherever a check-in has no answer: a missed day is
    a gap, never a straight line across it. Returns the legend handles."""
    from matplotlib.lines import Line2D

    handles: list[Artist] = []
    for kind, colour, marker, name in lines:
        track = scale_track(review, kind)
        if all(value is None for _, value in track):
            continue
        xs = [day_number(review, moment) for moment, _ in track]
        ys = [math.nan if value is None else value for _, value in track]
        ax.plot(xs, ys, color=colour, marker=marker, ms=3.5, lw=1.3, gid=f"scale:{kind.value}")
        handles.append(Line2D([], [], color=colour, marker=marker, ms=4, label=name))
    return handles


def alert_lines(ax: Axes, review: PatientReview) -> None:
    for escalation in review.escalations:
        x = day_number(review, escalation.created_at)
        ax.axvline(x, color=LEVEL_COLOURS[escalation.level], ls=":", lw=1)


def top_legend(ax: Axes, handles: list[Artist]) -> None:
    """The legend on the panel's title line, right-aligned (titles are short and left)."""
    if handles:
        ax.legend(
            handles=handles,
            loc="lower right",
            bbox_to_anchor=(1, 1.0),
            ncol=len(handles),
            fontsize=7,
            frameon=False,
            handletextpad=0.3,
            columnspacing=1,
        )


def trends(ax: Axes, review: PatientReview) -> None:
    from matplotlib.lines import Line2D

    ax.set_title("Craving and mood (0–10), use and escalations", loc="left", fontsize=10)
    time_axis(ax, review)
    ax.set_ylim(USE_Y - 0.8, 12)
    ax.set_yticks([0, 2, 4, 6, 8, 10])
    ax.grid(axis="y", color="#e5e8ea")
    handles = scale_lines(ax, review, CRAVING_MOOD)
    used = [day_number(review, moment) for moment in use_reports(review)]
    if used:
        ax.plot(used, [USE_Y] * len(used), ls="", marker="X", ms=6, color=USE_COLOUR, gid="use")
        handles.append(
            Line2D([], [], ls="", marker="X", ms=5, color=USE_COLOUR, label="use reported")
        )
    alert_lines(ax, review)
    for escalation in review.escalations:
        x = day_number(review, escalation.created_at)
        ax.plot([x], [ALERT_Y], marker="v", color=LEVEL_COLOURS[escalation.level], ms=7)
    alert_labels(ax, review)
    top_legend(ax, handles)
    if not review.checkins:
        blank(ax, NO_CHECKINS)
    elif not any(v is not None for k, *_ in CRAVING_MOOD for _, v in scale_track(review, k)):
        blank(ax, "No craving or mood answers in this period")


def alert_labels(ax: Axes, review: PatientReview) -> None:
    """Name each alert's level beside its triangle, in one row, never overlapping.

    Alerts whose labels would touch share one label, most severe first ("crisis, urgent ×2"),
    in the colour of the most severe, to the right of the group's last triangle. A label
    that would run off the right edge is put to the left of the group's first triangle.
    """
    groups: list[list[Escalation]] = []
    labels: list[Annotation] = []
    for escalation in review.escalations:  # oldest first
        x = float(ax.transData.transform((day_number(review, escalation.created_at), ALERT_Y))[0])
        if labels and x <= right_edge(labels[-1]) + LABEL_GAP:
            groups[-1].append(escalation)
            labels.pop().remove()
        else:
            groups.append([escalation])
        labels.append(alert_label(ax, review, groups[-1]))
        while len(labels) > 1 and left_edge(labels[-1]) <= right_edge(labels[-2]) + LABEL_GAP:
            labels.pop().remove()
            labels.pop().remove()
            joined = groups.pop()
            groups[-1].extend(joined)
            labels.append(alert_label(ax, review, groups[-1]))


def right_edge(label: Annotation) -> float:
    return float(label.get_window_extent().x1)


def left_edge(label: Annotation) -> float:
    return float(label.get_window_extent().x0)


def alert_label(ax: Axes, review: PatientReview, group: list[Escalation]) -> Annotation:
    counts = Counter(e.level for e in group)
    levels = sorted(counts, key=lambda lv: -lv.rank)
    text = ", ".join(lv.value + (f" ×{counts[lv]}" if counts[lv] > 1 else "") for lv in levels)

    def place(ha: str, dx: float) -> Annotation:
        beside = group[-1] if ha == "left" else group[0]
        return ax.annotate(
            text,
            (day_number(review, beside.created_at), ALERT_Y),
            xytext=(dx, 0),
            textcoords="offset points",
            ha=ha,
            va="center",
            fontsize=6.5,
            color=LEVEL_COLOURS[levels[0]],
            gid="alert-label",
        )

    label = place("left", 5)
    if right_edge(label) > ax.get_window_extent().x1:
        label.remove()
        label = place("right", -5)
    return label


def confidence_sleep(ax: Axes, review: PatientReview) -> None:
    ax.set_title("Confidence and sleep (0–10)", loc="left", fontsize=10)
    time_axis(ax, review)
    ax.set_ylim(-0.5, 10.5)
    ax.set_yticks([0, 5, 10])
    ax.grid(axis="y", color="#e5e8ea")
    alert_lines(ax, review)
    top_legend(ax, scale_lines(ax, review, CONFIDENCE_SLEEP))
    if not review.checkins:
        blank(ax, NO_CHECKINS)
    elif not any(v is not None for k, *_ in CONFIDENCE_SLEEP for _, v in scale_track(review, k)):
        blank(ax, "No confidence or sleep answers in this period")


def attendance(ax: Axes, review: PatientReview, *, weekly: bool) -> None:
    from matplotlib.ticker import MaxNLocator

    buckets = adherence(review, weekly=weekly)
    done = sum(b.completed for b in buckets)
    missed = sum(b.missed for b in buckets)
    share = f" ({round(100 * done / (done + missed))}% completed)" if done + missed else ""
    per = "" if is_short(review) else f" per {'week' if weekly else 'day'}"
    ax.set_title(
        f"Check-ins{per}: {done} completed, {missed} missed{share}",
        loc="left",
        fontsize=10,
    )
    time_axis(ax, review)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if not buckets or done + missed == 0:
        ax.set_yticks([])
        blank(ax, NO_CHECKINS if not review.checkins else "No finished or missed check-ins")
        return
    if is_short(review):
        each_checkin(ax, review)
        return
    width = 6 if weekly else 0.8
    first = origin(review).date()
    xs = [(b.start - first).days + (3.5 if weekly else 0.5) for b in buckets]
    ax.bar(
        xs,
        [b.completed for b in buckets],
        width,
        color="#2e8b57",
        label="completed",
    )
    ax.bar(
        xs,
        [b.missed for b in buckets],
        width,
        bottom=[b.completed for b in buckets],
        color="#c0392b",
        alpha=0.75,
        label="missed or expired",
    )
    ax.legend(loc="lower right", bbox_to_anchor=(1, 1.0), ncol=2, fontsize=7, frameon=False)


def each_checkin(ax: Axes, review: PatientReview) -> None:
    """For a period of two days or less: one bar per check-in, at the time it was due."""
    from matplotlib.patches import Patch

    first, last = span(review)
    width = (last - first) / 60
    handles = []
    for statuses, colour, name in (
        ({CheckinStatus.COMPLETED}, "#2e8b57", "completed"),
        (MISSED, "#c0392b", "missed or expired"),
    ):
        xs = [
            day_number(review, v.checkin.due_at)
            for v in review.checkins
            if v.checkin.status in statuses
        ]
        ax.bar(xs, [1] * len(xs), width, color=colour, gid=f"checkins:{name}")
        handles.append(Patch(color=colour, label=name))
    ax.set_yticks([])
    ax.set_ylim(0, 1.1)
    ax.legend(
        handles=handles,
        loc="lower right",
        bbox_to_anchor=(1, 1.0),
        ncol=2,
        fontsize=7,
        frameon=False,
    )


def bar_labels(ax: Axes, labels: list[str]) -> None:
    """Each label above its bar, inside the panel: long labels never run off the page."""
    from matplotlib.ticker import MaxNLocator

    ax.set_yticks([])
    ax.set_ylim(-0.6, len(labels) - 0.1)
    for y, label in enumerate(labels):
        ax.annotate(
            shorten(label, 40),
            (0, y + 0.25),
            xytext=(2, 0),
            textcoords="offset points",
            fontsize=7.5,
            va="bottom",
        )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(labelsize=7.5)


def triggers(ax: Axes, review: PatientReview) -> None:
    ax.set_title("Triggers met (times reported)", loc="left", fontsize=10)
    counts = list(reversed(trigger_counts(review)[:6]))
    if not counts:
        ax.set_xticks([])
        ax.set_yticks([])
        blank(ax, NO_CHECKINS if not review.checkins else "No triggers reported")
        return
    values = [n for _, n in counts]
    bars = ax.barh(range(len(counts)), values, height=0.4, color=GREY)
    ax.bar_label(bars, fontsize=7, padding=2)
    ax.set_xlim(0, max(values) * 1.15)
    bar_labels(ax, [label for label, _ in counts])


def coping(ax: Axes, review: PatientReview) -> None:
    ax.set_title("Coping tried: did it help?", loc="left", fontsize=10)
    stats = list(reversed(coping_stats(review)[:6]))
    if not stats:
        ax.set_xticks([])
        ax.set_yticks([])
        blank(ax, "No coping strategies tried")
        return
    left = [0] * len(stats)
    for field, colour, name in HELPED:
        values = [
            s.tried - s.yes - s.some - s.no if field == "unrated" else getattr(s, field)
            for s in stats
        ]
        ax.barh(range(len(stats)), values, height=0.4, left=left, color=colour, label=name)
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_xlim(0, max(left) * 1.15)
    bar_labels(ax, [s.title for s in stats])
    ax.set_xlabel("times tried", fontsize=7.5)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.2),
        ncol=4,
        fontsize=6.5,
        frameon=False,
        handlelength=1,
    )


# the law the footer names, per clinic jurisdiction (COMPANION_JURISDICTION)
LEGAL_NOTICES = {
    "US": "Confidential patient health information (HIPAA, 42 CFR Part 2).",
    "EU": "Confidential health data, a special category under GDPR Art. 9.",
    "UK": "Confidential health data, a special category under UK GDPR and the DPA 2018.",
    "AU": "Confidential health information (Privacy Act 1988).",
    "other": "Confidential patient health information.",
}


def legal_notice(jurisdiction: str) -> str:
    return LEGAL_NOTICES.get(jurisdiction, LEGAL_NOTICES["other"])


def footer(ax: Axes, review: PatientReview, author: str, jurisdiction: str = "US") -> None:
    ax.axis("off")
    for i, line in enumerate(summary_lines(review)):
        ax.text(0, 1 - i * 0.2, line, fontsize=8.5, va="top")
    ax.text(
        0,
        0.05,
        f"{legal_notice(jurisdiction)} Generated {review.until:%Y-%m-%d %H:%M} UTC by {author}.",
        fontsize=7,
        va="top",
        color=GREY,
    )
