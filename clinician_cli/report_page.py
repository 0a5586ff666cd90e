"""The one-page report drawn with matplotlib: header, trends, adherence, triggers, coping.

Drawn without a display (the Agg canvas), so it works over SSH; ``draw_report`` returns
the figure and the caller saves it as PNG or PDF. Only the patient's reference and
initials appear on the page, never the full name. matplotlib is imported when a page is
drawn, not when the CLI starts.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.domain.ids import initials
from bot.domain.model import Level
from bot.plans.model import QuestionKind
from bot.services.review_summaries import (
    adherence,
    coping_stats,
    scale_series,
    summary_lines,
    trigger_counts,
)
from bot.services.reviews import PatientReview, shorten

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

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


def draw_report(
    review: PatientReview, *, days: int, author: str, size: tuple[float, float]
) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=size)
    FigureCanvasAgg(figure)  # no display: drawn in memory, saved as PNG or PDF
    grid = figure.add_gridspec(
        5,
        2,
        height_ratios=[0.75, 2.7, 1.6, 2.5, 1.0],
        hspace=0.62,
        wspace=0.55,
        left=0.09,
        right=0.97,
        top=0.96,
        bottom=0.03,
    )
    header(figure.add_subplot(grid[0, :]), review, days)
    trends(figure.add_subplot(grid[1, :]), review)
    attendance(figure.add_subplot(grid[2, :]), review, weekly=days > 45)
    triggers(figure.add_subplot(grid[3, 0]), review)
    coping(figure.add_subplot(grid[3, 1]), review)
    footer(figure.add_subplot(grid[4, :]), review, author)
    return figure


def header(ax: Axes, review: PatientReview, days: int) -> None:
    ax.axis("off")
    p = review.patient
    start = review.local(review.since or review.until)
    end = review.local(review.until)
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
        f"Patient {p.reference} ({initials(p.name or '')})   ·   "
        f"{start:%d %b %Y} – {end:%d %b %Y} ({days} days)   ·   {plan_text}",
        fontsize=9.5,
        va="top",
    )
    ax.text(
        0,
        0.05,
        f"Care team {review.team.name}   ·   times in {p.timezone}",
        fontsize=8,
        va="top",
        color=GREY,
    )


def time_axis(ax: Axes, review: PatientReview) -> None:
    """The period on x, with a date label every day or every few days (at most ~9)."""
    last = day_number(review, review.until)
    ax.set_xlim(day_number(review, review.since or review.until), last)
    step = max(1, math.ceil(last / 9))
    ticks = list(range(0, math.floor(last) + 1, step))
    ax.set_xticks(ticks, [f"{origin(review) + timedelta(days=t):%d %b}" for t in ticks])
    ax.tick_params(labelsize=7.5)


def trends(ax: Axes, review: PatientReview) -> None:
    from matplotlib.lines import Line2D

    ax.set_title("Craving and mood (0–10) with escalations", loc="left", fontsize=10)
    time_axis(ax, review)
    ax.set_ylim(-0.5, 12)
    ax.set_yticks([0, 2, 4, 6, 8, 10])
    ax.grid(axis="y", color="#e5e8ea")
    handles = []
    for kind, colour, marker, name in (
        (QuestionKind.CRAVING, "#c0392b", "o", "craving"),
        (QuestionKind.MOOD, "#2471a3", "s", "mood"),
    ):
        points = scale_series(review, kind)
        if points:
            xs = [day_number(review, moment) for moment, _ in points]
            ax.plot(xs, [v for _, v in points], color=colour, marker=marker, ms=3.5, lw=1.3)
            handles.append(Line2D([], [], color=colour, marker=marker, ms=4, label=name))
    for escalation in review.escalations:
        x = day_number(review, escalation.created_at)
        colour = LEVEL_COLOURS[escalation.level]
        ax.axvline(x, color=colour, ls=":", lw=1)
        ax.plot([x], [11], marker="v", color=colour, ms=7)
        ax.annotate(
            escalation.level.value,
            (x, 11),
            xytext=(4, -3),
            textcoords="offset points",
            ha="left",
            fontsize=6.5,
            color=colour,
        )
    for level in sorted({e.level for e in review.escalations}, key=lambda lv: lv.rank):
        handles.append(
            Line2D(
                [], [], color=LEVEL_COLOURS[level], marker="v", ls="", label=f"alert: {level.value}"
            )
        )
    if handles:
        ax.legend(
            handles=handles,
            loc="lower right",
            bbox_to_anchor=(1, 1.0),
            ncol=6,
            fontsize=7,
            frameon=False,
            handletextpad=0.3,
            columnspacing=1,
        )
    if not review.checkins:
        blank(ax, NO_CHECKINS)
    elif not any(scale_series(review, k) for k in (QuestionKind.CRAVING, QuestionKind.MOOD)):
        blank(ax, "No craving or mood answers in this period")


def attendance(ax: Axes, review: PatientReview, *, weekly: bool) -> None:
    from matplotlib.ticker import MaxNLocator

    buckets = adherence(review, weekly=weekly)
    done = sum(b.completed for b in buckets)
    missed = sum(b.missed for b in buckets)
    share = f" ({round(100 * done / (done + missed))}% completed)" if done + missed else ""
    ax.set_title(
        f"Check-ins per {'week' if weekly else 'day'}: {done} completed, {missed} missed{share}",
        loc="left",
        fontsize=10,
    )
    time_axis(ax, review)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if not buckets or done + missed == 0:
        ax.set_yticks([])
        blank(ax, NO_CHECKINS if not review.checkins else "No finished or missed check-ins")
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


def footer(ax: Axes, review: PatientReview, author: str) -> None:
    ax.axis("off")
    for i, line in enumerate(summary_lines(review)):
        ax.text(0, 1 - i * 0.2, line, fontsize=8.5, va="top")
    ax.text(
        0,
        0.05,
        f"Confidential patient health information (HIPAA, 42 CFR Part 2). Generated "
        f"{review.until:%Y-%m-%d %H:%M} UTC by {author}.",
        fontsize=7,
        va="top",
        color=GREY,
    )
