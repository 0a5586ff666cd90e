"""`clinician checkins PATIENT`: a patient's check-ins, answers in words, risk and reasons."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from bot.domain.errors import InvalidInput
from bot.services.reviews import CheckinView, PatientReview
from clinician_cli.context import Session, run
from clinician_cli.output import JsonOption, emit_json, say, table

LOCAL_FORMAT = "%Y-%m-%d %H:%M"


def parse_day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{option} {text!r} is not a date; use YYYY-MM-DD") from None


def checkin_json(review: PatientReview, view: CheckinView) -> dict[str, Any]:
    c = view.checkin
    return {
        "id": c.id,
        "due_at": c.due_at,
        "due_local": review.local(c.due_at),
        "origin": c.origin,
        "status": c.status.value,
        "plan_version": c.plan_version,
        "started_at": c.started_at,
        "completed_at": c.completed_at,
        "risk_level": c.risk_level,
        "risk_reasons": list(view.risk_reasons),
        "answers": [
            {
                "question_id": a.question_id,
                "kind": a.kind,
                "value": a.value,
                "text": a.text,
                "answered_at": a.answered_at,
            }
            for a in view.answers
        ],
    }


def checkins_json(review: PatientReview) -> dict[str, Any]:
    return {
        "patient": review.patient.reference,
        "timezone": review.patient.timezone,
        "since": review.since,
        "until": review.until,
        "checkins": [checkin_json(review, v) for v in review.checkins],
    }


def print_checkins(review: PatientReview) -> None:
    ref = review.patient.reference
    if not review.checkins:
        since = "" if review.since is None else f" since {review.local(review.since):%Y-%m-%d}"
        say(f"No check-ins for {ref}{since}.")
        return
    rows = []
    for view in review.checkins:
        c = view.checkin
        status = c.status.value.replace("_", " ")
        if c.origin != "scheduled":
            status += f"\n({c.origin.replace('_', ' ')})"
        risk = "\n".join([c.risk_level or "", *view.risk_reasons]).strip()
        rows.append(
            (
                review.local(c.due_at).strftime(LOCAL_FORMAT),
                status,
                "\n".join(a.text for a in view.answers),
                risk,
            )
        )
    table(
        f"{ref} check-ins (times in {review.patient.timezone})",
        ["When", "Status", "Answers", "Risk"],
        rows,
        show_lines=True,
        no_wrap=["When"],
    )
    done = sum(1 for v in review.checkins if v.checkin.status.value == "completed")
    say(f"{done} of {len(review.checkins)} completed.")


def checkins(
    patient: Annotated[str, typer.Argument(help="Patient reference, e.g. P-0042.")],
    since: Annotated[
        str | None,
        typer.Option(help="From this date (YYYY-MM-DD, patient's local time; default 14 days)."),
    ] = None,
    as_json: bool = JsonOption,
) -> None:
    """A patient's check-ins: local time, status, answers in words, risk level and reasons.

    Example: clinician checkins P-0042 --since 2025-03-01
    """

    async def body(s: Session) -> None:
        review = await s.services.reviews.checkins(
            s.actor, patient, since=parse_day(since, "--since")
        )
        if as_json:
            emit_json(checkins_json(review))
        else:
            print_checkins(review)

    run(body)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `clinician` app."""
    app.command("checkins")(checkins)
