"""`clinician escalations` (the list) and `clinician escalation show|ack|resolve`.

The list carries no reasons (they are health data); `escalation show` does, and the
service audits each look under the staff member's name.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from bot.domain.model import Escalation
from bot.services.escalation_review import EscalationDetail
from clinician_cli.context import Session, run
from clinician_cli.output import JsonOption, emit_json, say, table, when

escalation_app = typer.Typer(
    help="One alert: read it, acknowledge it, resolve it with a note.", no_args_is_help=True
)

EscalationRef = Annotated[str, typer.Argument(help="Escalation reference, e.g. E-17.")]


def register(app: typer.Typer) -> None:
    """Add `clinician escalations` and `clinician escalation ...` to the `clinician` app."""
    app.command("escalations")(escalations_list)
    app.add_typer(escalation_app, name="escalation")


def escalation_json(e: Escalation, patient: str) -> dict[str, Any]:
    return {
        "id": e.reference,
        "patient": patient,
        "level": e.level.value,
        "status": e.status.value,
        "rule": e.rule,
        "created_at": e.created_at,
        "updated_at": e.updated_at,
        "acknowledged_at": e.acknowledged_at,
        "resolved_at": e.resolved_at,
    }


def escalations_list(
    open_: Annotated[
        bool, typer.Option("--open", help="Only open or acknowledged (not resolved) ones.")
    ] = False,
    patient: Annotated[str | None, typer.Option(help="Only this patient, e.g. P-0042.")] = None,
    as_json: bool = JsonOption,
) -> None:
    """List alerts for your teams' patients, newest first.

    Example: clinician escalations --open
    """

    async def body(s: Session) -> None:
        found = await s.services.escalations.list_for(s.actor, open_only=open_, patient_ref=patient)
        if as_json:
            emit_json([escalation_json(e, ref) for e, ref in found])
            return
        if not found:
            say("No open escalations." if open_ else "No escalations.")
            return
        table(
            None,
            ["Id", "Patient", "Level", "Status", "Raised (UTC)", "Rule"],
            [
                (
                    e.reference,
                    ref,
                    e.level.value.upper(),
                    e.status.value,
                    when(e.created_at),
                    e.rule,
                )
                for e, ref in found
            ],
        )
        say("Read one with: clinician escalation show E-<number>")

    run(body)


def detail_json(d: EscalationDetail) -> dict[str, Any]:
    e = d.escalation
    names = d.staff_names
    return {
        **escalation_json(e, d.patient.reference),
        "reasons": list(e.reasons),
        "acknowledged_by": names.get(e.acknowledged_by or "", e.acknowledged_by),
        "resolved_by": names.get(e.resolved_by or "", e.resolved_by),
        "resolution": e.resolution,
        "events": [
            {
                "at": ev.created_at,
                "kind": ev.kind,
                "staff": None if ev.staff_id is None else names.get(ev.staff_id, ev.staff_id),
                "channel": ev.channel,
                "detail": ev.detail,
            }
            for ev in d.events
        ],
    }


@escalation_app.command("show")
def escalation_show(reference: EscalationRef, as_json: bool = JsonOption) -> None:
    """The reasons and the timeline: who was alerted, how, and who took it (audited).

    Example: clinician escalation show E-17
    """

    async def body(s: Session) -> None:
        detail = await s.services.escalations.show(s.actor, reference)
        shown = detail_json(detail)
        if as_json:
            emit_json(shown)
            return
        e = detail.escalation
        say(
            f"{e.reference}  {e.level.value.upper()}  {e.status.value}  "
            f"patient {detail.patient.reference}  raised {when(e.created_at)} UTC"
        )
        if shown["acknowledged_by"]:
            say(f"Acknowledged by {shown['acknowledged_by']} {when(e.acknowledged_at)} UTC")
        if shown["resolved_by"]:
            say(f"Resolved by {shown['resolved_by']} {when(e.resolved_at)} UTC")
        if e.resolution:
            say(f"Resolution: {e.resolution}")
        say("Reasons:")
        for reason in e.reasons:
            say(f"  • {reason}")
        table(
            "Timeline",
            ["When (UTC)", "What", "Who", "Via", "Detail"],
            [
                (
                    when(ev["at"]),
                    ev["kind"],
                    ev["staff"],
                    ev["channel"],
                    ev["detail"],
                )
                for ev in shown["events"]
            ],
        )
        if e.status.value == "open":
            say(f"Take it: clinician escalation ack {e.reference}")

    run(body)


@escalation_app.command("ack")
def escalation_ack(reference: EscalationRef) -> None:
    """Acknowledge an alert: you are on it. Re-alerts stop; the team sees it was you.

    Example: clinician escalation ack E-17
    """

    async def body(s: Session) -> None:
        e = await s.services.escalations.acknowledge(s.actor, reference)
        say(f"Acknowledged {e.reference}; re-alerts stopped. Close it with:")
        say(f'  clinician escalation resolve {e.reference} --note "what was done"')

    run(body)


@escalation_app.command("resolve")
def escalation_resolve(
    reference: EscalationRef,
    note: Annotated[str, typer.Option(help="What was done; it stays in the timeline.")],
) -> None:
    """Close an alert with a note of what was done (acknowledges it too, if not yet).

    Example: clinician escalation resolve E-17 --note "Called; safe, seeing her Monday."
    """

    async def body(s: Session) -> None:
        e = await s.services.escalations.resolve(s.actor, reference, note)
        say(f"Resolved {e.reference}. The note is kept in its timeline.")

    run(body)
