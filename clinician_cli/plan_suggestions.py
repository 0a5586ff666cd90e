"""`clinician plan suggestions|accept|decline`: what the patient suggested from the bot.

Patients suggest triggers, coping ideas and people; a clinician accepts one (a new plan
version, the patient is told) or declines it with a note the patient is sent.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from bot.domain.ids import short_id
from bot.services.texts import PLAN_SUGGESTION_DECIDED
from clinician_cli.context import Session, run
from clinician_cli.output import JsonOption, echo, emit_json, say, table, when
from clinician_cli.plans import NoteOption, PatientRef, plan_app, report_published


def register(app: typer.Typer) -> None:
    """Add `plan suggestions`, `plan accept` and `plan decline` to the `plan` sub-app.

    ``app`` is the `clinician` app; `plans.register` has already put `plan` on it.
    """
    plan_app.command("suggestions")(plan_suggestions)
    plan_app.command("accept")(plan_accept)
    plan_app.command("decline")(plan_decline)


def plan_suggestions(patient: PatientRef, as_json: bool = JsonOption) -> None:
    """The patient's pending suggestions, with their ids.

    Patients suggest triggers, coping ideas and people from the bot; accept or decline
    each by its id.

    Example: clinician plan suggestions P-0042
    """

    async def body(s: Session) -> None:
        found, pending = await s.services.plans.suggestions(s.actor, patient)
        rows: list[dict[str, Any]] = [
            {
                "id": short_id(suggestion.id),
                "kind": suggestion.kind,
                "description": description,
                "created_at": suggestion.created_at,
            }
            for suggestion, description in pending
        ]
        if as_json:
            emit_json(rows)
            return
        if not rows:
            say(f"No pending suggestions from {found.reference}.")
            return
        table(
            f"{found.reference} suggestions",
            ["Id", "Received (UTC)", "Suggestion"],
            [(r["id"], when(r["created_at"]), r["description"]) for r in rows],
        )
        say(f"Accept with: clinician plan accept {found.reference} ID")
        say(f'Decline with: clinician plan decline {found.reference} ID --note "why"')

    run(body)


SuggestionId = Annotated[
    str, typer.Argument(metavar="SUGGESTION", help="Its id from `clinician plan suggestions`.")
]


def plan_accept(patient: PatientRef, suggestion: SuggestionId, note: NoteOption = None) -> None:
    """Add the patient's suggestion to their plan as a new version.

    Example: clinician plan accept P-0042 3f9a0c1d
    """

    async def body(s: Session) -> None:
        published = await s.services.plans.accept(s.actor, patient, suggestion, note)
        say(f"Accepted suggestion {suggestion}.")
        report_published(published, PLAN_SUGGESTION_DECIDED["accepted"])

    run(body)


def plan_decline(
    patient: PatientRef,
    suggestion: SuggestionId,
    note: Annotated[str, typer.Option(help="Why, in words for the patient: they are sent it.")],
) -> None:
    """Decline a suggestion; your note is sent to the patient.

    Say why kindly: the patient reads the note.

    Example: clinician plan decline P-0042 3f9a0c1d --note "Let's talk about it on Monday."
    """

    async def body(s: Session) -> None:
        await s.services.plans.decline(s.actor, patient, suggestion, note)
        say(f"Declined suggestion {suggestion}.")
        echo(
            "Sent to the patient: " + PLAN_SUGGESTION_DECIDED["declined"].format(note=note.strip())
        )

    run(body)
