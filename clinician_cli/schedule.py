"""`clinician schedule ...` (regular check-in times) and `clinician checkin now` (ad hoc)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from bot.domain.errors import InvalidInput
from bot.domain.model import Schedule
from clinician_cli.context import Session, run
from clinician_cli.output import JsonOption, emit_json, say, table, when

schedule_app = typer.Typer(
    help="Check-in times, in each patient's own time zone.",
    no_args_is_help=True,
)
checkin_app = typer.Typer(
    help="Send a patient a check-in outside the schedule.", no_args_is_help=True
)

PatientRef = Annotated[str, typer.Argument(help="Patient reference, e.g. P-0042.")]
DAY_WORDS = {"*": "every day", "mon,tue,wed,thu,fri": "weekdays", "sat,sun": "weekends"}
LOCAL = "%a %Y-%m-%d %H:%M"


def register(app: typer.Typer) -> None:
    """Add `clinician schedule ...` and `clinician checkin now` to the `clinician` app."""
    app.add_typer(schedule_app, name="schedule")
    app.add_typer(checkin_app, name="checkin")


def describe_days(days: str) -> str:
    return DAY_WORDS.get(days, days)


def local(moment: datetime | None, timezone: str) -> datetime | None:
    return None if moment is None else moment.astimezone(ZoneInfo(timezone))


def schedule_json(row: Schedule, timezone: str) -> dict[str, Any]:
    return {
        "kind": row.kind,
        "time": row.local_time,
        "days": row.days,
        "next_due_local": local(row.next_due_utc, timezone),
        "next_due_utc": row.next_due_utc,
    }


@schedule_app.command("set")
def schedule_set(
    patient: PatientRef,
    at: Annotated[
        list[str] | None,
        typer.Option(
            "--at", metavar="HH:MM", help="Their local time (24-hour); repeat for more (up to 6)."
        ),
    ] = None,
    days: Annotated[
        str,
        typer.Option(
            metavar="DAYS", help="'*' (every day), weekdays, weekends, or e.g. mon,wed,fri."
        ),
    ] = "*",
) -> None:
    """Set the patient's regular check-in times (replaces the previous ones).

    Times are in the patient's own time zone. High-risk-time check-ins from the plan
    are kept.

    Example: clinician schedule set P-0042 --at 09:00 --at 20:30 --days weekdays
    """

    async def body(s: Session) -> None:
        found, rows = await s.services.schedules.set(s.actor, patient, at or [], days)
        times = " and ".join(r.local_time for r in rows)
        on_days = describe_days(rows[0].days)
        say(f"{found.reference} check-ins: {times}, {on_days} ({found.timezone}).")
        first = min((r.next_due_utc for r in rows if r.next_due_utc), default=None)
        if first is not None:
            say(
                f"Next: {when(local(first, found.timezone), LOCAL)} their time ({when(first)} UTC)."
            )
            say(f"Coming ones: clinician schedule preview {found.reference}")

    run(body)


@schedule_app.command("show")
def schedule_show(patient: PatientRef, as_json: bool = JsonOption) -> None:
    """The patient's check-in times and when each is next due.

    Example: clinician schedule show P-0042
    """

    async def body(s: Session) -> None:
        found, rows = await s.services.schedules.show(s.actor, patient)
        if as_json:
            emit_json(
                {
                    "patient": found.reference,
                    "timezone": found.timezone,
                    "schedules": [schedule_json(r, found.timezone) for r in rows],
                }
            )
            return
        if not rows:
            say(
                f"{found.reference} has no check-in times yet: "
                f"clinician schedule set {found.reference} --at 09:00"
            )
            return
        table(
            f"{found.reference} check-ins ({found.timezone})",
            ["Kind", "Time", "Days", "Next, their time", "Next (UTC)"],
            [
                (
                    "high-risk" if r.kind == "high_risk" else r.kind,
                    r.local_time,
                    describe_days(r.days),
                    when(local(r.next_due_utc, found.timezone), LOCAL),
                    when(r.next_due_utc),
                )
                for r in rows
            ],
        )

    run(body)


def parse_day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"--from {text!r} is not a date; use YYYY-MM-DD") from None


@schedule_app.command("preview")
def schedule_preview(
    patient: PatientRef,
    start: Annotated[
        str | None,
        typer.Option("--from", help="First day, YYYY-MM-DD (default: today, their time)."),
    ] = None,
    days: Annotated[int, typer.Option(help="How many days to show (1 to 60).")] = 7,
    as_json: bool = JsonOption,
) -> None:
    """The coming check-ins in the patient's local time and in UTC (DST included).

    Example: clinician schedule preview P-0042 --from 2026-03-07 --days 3
    """

    async def body(s: Session) -> None:
        first = parse_day(start)
        found, items = await s.services.schedules.preview(s.actor, patient, first, days)
        if as_json:
            emit_json(
                {
                    "patient": found.reference,
                    "timezone": found.timezone,
                    "checkins": [{"local": i.local, "utc": i.utc, "kind": i.kind} for i in items],
                }
            )
            return
        if not items:
            say(f"No check-ins for {found.reference} in those {days} days.")
            return
        table(
            f"{found.reference} coming check-ins",
            [f"Their time ({found.timezone})", "UTC", "Kind"],
            [
                (
                    when(i.local, LOCAL + " %Z"),
                    when(i.utc),
                    "high-risk" if i.kind == "high_risk" else i.kind,
                )
                for i in items
            ],
        )

    run(body)


@checkin_app.command("now")
def checkin_now(patient: PatientRef) -> None:
    """Send the patient a check-in now, outside their schedule (active patients only).

    Example: clinician checkin now P-0042
    """

    async def body(s: Session) -> None:
        checkin = await s.services.checkins.now_for(s.actor, patient)
        until = (
            f"; it stays open until {when(checkin.expires_at)} UTC" if checkin.expires_at else ""
        )
        say(f"Check-in queued for {patient.strip().upper()}: the bot sends it now{until}.")

    run(body)
