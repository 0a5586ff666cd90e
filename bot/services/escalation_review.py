"""Closing the loop on escalations, and reading them: the Acknowledge and Details buttons
on a care-team alert, and the clinician's list, show, acknowledge and resolve.

Acknowledging or resolving stops re-notifying, writes the timeline and the audit trail,
and edits every Telegram alert sent for the escalation so the team sees who took it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from bot.domain.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.domain.ids import new_id
from bot.domain.model import (
    Escalation,
    EscalationEvent,
    EscalationStatus,
    Patient,
    Priority,
    Staff,
)
from bot.services import texts
from bot.services.access import Actor
from bot.services.outgoing import Outgoing, commit
from bot.services.patients import PatientAccess
from bot.services.ports import Clock, UnitOfWork, UnitOfWorkFactory

ACK_PREFIX = "ack:"
DETAILS_PREFIX = "escd:"


@dataclass(frozen=True)
class EscalationDetail:
    escalation: Escalation
    patient: Patient
    events: list[EscalationEvent]
    staff_names: dict[str, str]


def parse_reference(text: str) -> int:
    cleaned = text.strip().upper().removeprefix("E-").removeprefix("E")
    if not cleaned.isdigit():
        raise InvalidInput(f"{text!r} is not an escalation reference; they look like E-17")
    return int(cleaned)


async def record_event(
    uow: UnitOfWork,
    escalation: Escalation,
    kind: str,
    now: datetime,
    *,
    staff_id: str | None = None,
    channel: str | None = None,
    detail: str | None = None,
) -> None:
    """One line of the escalation's timeline (raised, notified, acknowledged, ...)."""
    await uow.escalations.add_event(
        EscalationEvent(
            id=new_id(),
            escalation_id=escalation.id,
            patient_id=escalation.patient_id,
            kind=kind,
            created_at=now,
            staff_id=staff_id,
            channel=channel,
            detail=detail,
        )
    )


class EscalationReview:
    def __init__(self, uows: UnitOfWorkFactory, clock: Clock) -> None:
        self._uows = uows
        self._clock = clock
        self._access = PatientAccess(clock)

    # --- closing the loop ---------------------------------------------------------------
    async def _close(
        self,
        uow: UnitOfWork,
        escalation: Escalation,
        staff: Staff,
        out: Outgoing,
        *,
        resolve: bool,
        note: str | None,
    ) -> Escalation:
        now = out.now
        if escalation.status is EscalationStatus.RESOLVED:
            raise Conflict(f"{escalation.reference} is already resolved")
        if not resolve and escalation.status is EscalationStatus.ACKNOWLEDGED:
            raise Conflict(f"{escalation.reference} was already acknowledged")
        changed = replace(
            escalation,
            status=EscalationStatus.RESOLVED if resolve else EscalationStatus.ACKNOWLEDGED,
            acknowledged_by=escalation.acknowledged_by or staff.id,
            acknowledged_at=escalation.acknowledged_at or now,
            resolved_by=staff.id if resolve else None,
            resolved_at=now if resolve else None,
            resolution=note if resolve else None,
            next_notify_at=None,
            updated_at=now,
        )
        await uow.escalations.update(changed)
        await record_event(
            uow,
            changed,
            "resolved" if resolve else "acknowledged",
            now,
            staff_id=staff.id,
            detail=note,
        )
        suffix = (texts.ALERT_RESOLVED if resolve else texts.ALERT_TAKEN).format(
            name=staff.display_name, when=now.astimezone(UTC).strftime("%H:%M")
        )
        patient = await uow.patients.get(changed.patient_id)
        for alert in await uow.outbox.by_ref("escalation", changed.id):
            if alert.method != "sendMessage" or alert.recipient_kind != "staff":
                continue
            text = str(alert.payload.get("text", ""))
            if not text:  # its payload was purged: there is nothing to add the note to
                continue
            out.add(
                "staff",
                alert.recipient_id,
                "editMessageText",
                {
                    "text": text + suffix,
                    "message_ref": alert.id,
                    "reply_markup": {
                        "inline_keyboard": [
                            [
                                {
                                    "text": texts.ALERT_DETAILS,
                                    "callback_data": DETAILS_PREFIX + changed.id,
                                }
                            ]
                        ]
                    },
                },
                purpose="alert-update",
                priority=Priority.ALERT,
                key=f"{'resolved' if resolve else 'ack'}:{alert.id}",
                ref_kind="escalation",  # so erasing the patient blanks it with the alert
                ref_id=changed.id,
            )
        await uow.audit.append(
            actor=f"staff:{staff.username}",
            action="escalation.resolve" if resolve else "escalation.ack",
            at=now,
            patient_ref=None if patient is None else patient.reference,
            detail=changed.reference,
        )
        return changed

    async def acknowledge_from_telegram(
        self, chat_id: int, escalation_id: str, callback_query_id: str, update_id: int
    ) -> None:
        """The Acknowledge button: only a staff member of the patient's team counts."""
        now = self._clock.now()
        async with self._uows() as uow:
            out = Outgoing(f"upd:{update_id}", now)
            staff = await uow.staff.by_chat(chat_id)
            escalation = await uow.escalations.get(escalation_id, lock=True)
            answer = "Not available."
            if staff is not None and staff.active and escalation is not None:
                patient = await uow.patients.get(escalation.patient_id)
                teams = await uow.teams.team_ids_of(staff.id)
                if patient is not None and (patient.team_id in teams or staff.is_admin):
                    if escalation.status is EscalationStatus.OPEN:
                        await self._close(uow, escalation, staff, out, resolve=False, note=None)
                        answer = f"Acknowledged {escalation.reference}. Thank you."
                    else:
                        answer = f"{escalation.reference} was already taken."
            if staff is not None:
                out.answer_callback("staff", staff.id, callback_query_id, answer)
            await commit(uow, out, update_id)

    async def details_hint(
        self, chat_id: int, escalation_id: str, callback_query_id: str, update_id: int
    ) -> None:
        now = self._clock.now()
        async with self._uows() as uow:
            out = Outgoing(f"upd:{update_id}", now)
            staff = await uow.staff.by_chat(chat_id)
            escalation = await uow.escalations.get(escalation_id)
            if staff is not None:
                text = (
                    "Not available."
                    if escalation is None
                    else texts.ALERT_DETAILS_HINT.format(escalation=escalation.reference)
                )
                out.answer_callback("staff", staff.id, callback_query_id, text)
            await commit(uow, out, update_id)

    # --- CLI ------------------------------------------------------------------------
    async def _for_actor(
        self, uow: UnitOfWork, actor: Actor, reference: str, action: str
    ) -> tuple[Escalation, Patient]:
        escalation = await uow.escalations.by_number(parse_reference(reference), lock=True)
        if escalation is None:
            raise NotFound(f"no escalation {reference!r} (`clinician escalations` lists them)")
        patient = await uow.patients.get(escalation.patient_id)
        assert patient is not None
        await self._access.resolve(uow, actor, patient.reference, action)
        return escalation, patient

    async def list_for(
        self, actor: Actor, *, open_only: bool, patient_ref: str | None
    ) -> list[tuple[Escalation, str]]:
        async with self._uows() as uow:
            if patient_ref is not None:
                patient = await self._access.resolve(uow, actor, patient_ref, "escalation.list")
                patients = {patient.id: patient.reference}
            else:
                team_ids = None if actor.is_admin else actor.team_ids
                patients = {p.id: p.reference for p in await uow.patients.find(team_ids=team_ids)}
            statuses = [EscalationStatus.OPEN, EscalationStatus.ACKNOWLEDGED] if open_only else None
            found = await uow.escalations.find(patient_ids=list(patients), statuses=statuses)
            await uow.audit.append(
                actor=actor.audit_name,
                action="escalation.list",
                at=self._clock.now(),
                patient_ref=patient_ref,
                detail=f"count={len(found)}",
            )
            await uow.commit()
            return [(e, patients[e.patient_id]) for e in found]

    async def show(self, actor: Actor, reference: str) -> EscalationDetail:
        async with self._uows() as uow:
            escalation, patient = await self._for_actor(uow, actor, reference, "escalation.show")
            events = await uow.escalations.events(escalation)
            names = {s.id: s.display_name for s in await uow.staff.all(include_inactive=True)}
            await uow.audit.append(
                actor=actor.audit_name,
                action="escalation.show",
                at=self._clock.now(),
                patient_ref=patient.reference,
                detail=escalation.reference,
            )
            await uow.commit()
            return EscalationDetail(escalation, patient, events, names)

    async def acknowledge(self, actor: Actor, reference: str) -> Escalation:
        return await self._cli_close(actor, reference, resolve=False, note=None)

    async def resolve(self, actor: Actor, reference: str, note: str) -> Escalation:
        if not note.strip():
            raise InvalidInput("--note is empty; say what was done (it stays in the timeline)")
        return await self._cli_close(actor, reference, resolve=True, note=note.strip())

    async def _cli_close(
        self, actor: Actor, reference: str, *, resolve: bool, note: str | None
    ) -> Escalation:
        if actor.staff is None:
            raise NotAllowed("a staff member must acknowledge or resolve escalations")
        now = self._clock.now()
        async with self._uows() as uow:
            escalation, _ = await self._for_actor(
                uow, actor, reference, "escalation.resolve" if resolve else "escalation.ack"
            )
            out = Outgoing(f"cli:{escalation.id}:{'resolve' if resolve else 'ack'}", now)
            changed = await self._close(
                uow, escalation, actor.staff, out, resolve=resolve, note=note
            )
            await commit(uow, out)
            return changed
