"""`clinician patient ...`: enrol, list, show, invite, pause, resume, discharge, erase."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from bot.domain.ids import initials
from bot.domain.model import Patient, PatientStatus
from bot.services.patients import PatientOverview
from clinician_cli.context import Session, run
from clinician_cli.output import JsonOption, emit_json, say, table, when

patient_app = typer.Typer(help="Patients: enrol, invite, review and close.", no_args_is_help=True)

PatientRef = Annotated[str, typer.Argument(help="Patient reference, e.g. P-0042.")]


def patient_json(p: Patient) -> dict[str, Any]:
    return {
        "reference": p.reference,
        "name": p.name,
        "status": p.status.value,
        "timezone": p.timezone,
        "linked": p.linked,
        "reachable": p.reachable,
        "consented_at": p.consented_at,
        "paused_until": p.paused_until,
        "last_interaction_at": p.last_interaction_at,
        "created_at": p.created_at,
    }


@patient_app.command("add")
def patient_add(
    name: Annotated[str, typer.Option(help="Name as in your records (stored encrypted).")],
    timezone: Annotated[str, typer.Option(help="IANA time zone, e.g. America/Chicago.")],
    team: Annotated[
        str | None, typer.Option(help="Care team (needed if you are in several).")
    ] = None,
    as_json: bool = JsonOption,
) -> None:
    """Enrol a patient; prints their reference (e.g. P-0042) to use everywhere else.

    Example: clinician patient add --name "Avery Quill" --timezone America/New_York
    """

    async def body(s: Session) -> None:
        patient = await s.services.patients.add(s.actor, name, timezone, team)
        if as_json:
            emit_json(patient_json(patient))
            return
        say(f"Enrolled {patient.reference} ({patient.timezone}).")
        say(
            f"Next: clinician plan set {patient.reference} plan.yaml, then "
            f"clinician patient invite {patient.reference}"
        )

    run(body)


@patient_app.command("list")
def patient_list(
    status: Annotated[
        list[PatientStatus] | None,
        typer.Option(help="Only these statuses (repeatable), e.g. --status active."),
    ] = None,
    as_json: bool = JsonOption,
) -> None:
    """List the patients of your care teams."""

    async def body(s: Session) -> None:
        patients = await s.services.patients.list_patients(s.actor, status)
        if as_json:
            emit_json([patient_json(p) for p in patients])
            return
        if not patients:
            say("No patients yet. Enrol one with: clinician patient add --name ... --timezone ...")
            return
        table(
            None,
            ["Ref", "Initials", "Status", "Time zone", "Last contact"],
            [
                (
                    p.reference,
                    initials(p.name or ""),
                    p.status.value + ("" if p.reachable else " (!)"),
                    p.timezone,
                    when(p.last_interaction_at),
                )
                for p in patients
            ],
        )
        if any(not p.reachable for p in patients):
            say("(!) unreachable: the patient blocked the bot or left Telegram.")

    run(body)


def overview_json(o: PatientOverview) -> dict[str, Any]:
    return {
        **patient_json(o.patient),
        "team": o.team.name,
        "plan_version": None if o.plan is None else o.plan.version,
        "plan_updated_at": None if o.plan is None else o.plan.created_at,
        "schedules": [
            {"kind": s.kind, "time": s.local_time, "days": s.days, "next_due_utc": s.next_due_utc}
            for s in o.schedules
        ],
        "last_checkin": None
        if o.last_checkin is None
        else {
            "due_at": o.last_checkin.due_at,
            "status": o.last_checkin.status.value,
            "risk_level": o.last_checkin.risk_level,
        },
        "open_escalations": [
            {
                "id": e.reference,
                "level": e.level.value,
                "status": e.status.value,
                "created_at": e.created_at,
            }
            for e in o.open_escalations
        ],
        "supporters": o.supporters,
    }


@patient_app.command("show")
def patient_show(reference: PatientRef, as_json: bool = JsonOption) -> None:
    """Status, plan version, schedule, last check-in, open escalations and supporters."""

    async def body(s: Session) -> None:
        o = await s.services.patients.show(s.actor, reference)
        if as_json:
            emit_json(overview_json(o))
            return
        p = o.patient
        rows = [
            ("Name", p.name or "(erased)"),
            ("Status", p.status.value + ("" if p.reachable else ", unreachable")),
            ("Team", o.team.name),
            ("Time zone", p.timezone),
            ("Telegram", "linked" if p.linked else "not linked (send an invite)"),
            ("Consent", when(p.consented_at) or "not yet"),
            ("Plan", f"version {o.plan.version}, {when(o.plan.created_at)}" if o.plan else "none"),
            ("Check-ins", ", ".join(f"{s.local_time} {s.days}" for s in o.schedules) or "none"),
            (
                "Last check-in",
                f"{when(o.last_checkin.due_at)} ({o.last_checkin.status.value})"
                if o.last_checkin
                else "none",
            ),
            (
                "Open alerts",
                ", ".join(f"{e.reference} {e.level.value}" for e in o.open_escalations) or "none",
            ),
            ("Supporters", str(o.supporters)),
        ]
        table(p.reference, ["", ""], rows)

    run(body)


@patient_app.command("invite")
def patient_invite(reference: PatientRef, as_json: bool = JsonOption) -> None:
    """Make a single-use invite link (replaces any earlier one) for the patient's Telegram."""

    async def body(s: Session) -> None:
        invite = await s.services.patients.invite(s.actor, reference)
        if as_json:
            emit_json(
                {
                    "reference": invite.patient.reference,
                    "code": invite.code,
                    "link": invite.link,
                    "expires_at": invite.expires_at,
                    "team_can_be_alerted": invite.team_can_be_alerted,
                }
            )
            return
        say(
            f"Invite for {invite.patient.reference}, single use, valid until "
            f"{when(invite.expires_at)} UTC:"
        )
        if invite.link:
            say(f"  {invite.link}")
        say(f"  or in the bot's chat: /start {invite.code}")
        say("Give it to the patient in person or by a channel you trust.")
        if not invite.team_can_be_alerted:
            say(
                "Warning: nobody on this patient's team can receive alerts yet (no Telegram "
                "linked, no e-mail alerts). An SOS would give the patient the crisis lines "
                "but reach no one here. Link a Telegram first: "
                "`clinician staff link-telegram STAFF`."
            )

    run(body)


@patient_app.command("pause")
def patient_pause(
    reference: PatientRef,
    days: Annotated[int | None, typer.Option(help="Resume automatically after N days.")] = None,
) -> None:
    """Pause check-ins (the plan and SOS stay available to the patient)."""

    async def body(s: Session) -> None:
        patient = await s.services.patients.pause(s.actor, reference, days)
        until = f" until {when(patient.paused_until)} UTC" if patient.paused_until else ""
        say(f"Paused check-ins for {patient.reference}{until}.")

    run(body)


@patient_app.command("resume")
def patient_resume(reference: PatientRef) -> None:
    """Resume a paused, discharged or unenrolled patient."""

    async def body(s: Session) -> None:
        patient = await s.services.patients.resume(s.actor, reference)
        say(f"{patient.reference} is now {patient.status.value}.")

    run(body)


@patient_app.command("discharge")
def patient_discharge(reference: PatientRef) -> None:
    """End care: no more check-ins or alerts; data kept until erased."""

    async def body(s: Session) -> None:
        patient = await s.services.patients.discharge(s.actor, reference)
        say(f"Discharged {patient.reference}. Their data is kept until you erase it.")

    run(body)


@patient_app.command("erase")
def patient_erase(
    reference: PatientRef,
    confirm: Annotated[
        str | None,
        typer.Option(help="Type the reference again to confirm without a prompt."),
    ] = None,
) -> None:
    """Erase a patient for good: their data key is destroyed (crypto-shredding).

    Every answer, plan and message of theirs becomes unreadable, including in backups.
    A non-identifying audit record remains. This cannot be undone.
    """
    if confirm is None:
        confirm = typer.prompt(f"This cannot be undone. Type {reference} to erase")

    async def body(s: Session) -> None:
        patient = await s.services.patients.erase(s.actor, reference, confirm or "")
        say(f"Erased {patient.reference}: their data key is destroyed.")

    run(body)
