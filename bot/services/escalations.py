"""Escalations: created with the data that caused them, delivered to the care team, closed
by a human.

``raise_findings`` runs inside the caller's unit of work, so an escalation and the
check-in (or SOS, or message) that triggered it are committed together or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from bot.domain.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.domain.ids import initials, new_id
from bot.domain.model import (
    DeliveryStatus,
    Escalation,
    EscalationEvent,
    EscalationStatus,
    Level,
    OutboundMessage,
    Patient,
    Priority,
    Staff,
)
from bot.domain.policy import AlertPolicy, recipients
from bot.domain.risk import Finding
from bot.services import texts
from bot.services.access import Actor
from bot.services.outgoing import Outgoing
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


class EscalationService:
    def __init__(
        self,
        uows: UnitOfWorkFactory,
        clock: Clock,
        *,
        merge_window: timedelta,
        default_timezone: str,
        email_alerts: bool = False,
        webhook_alerts: bool = False,
    ) -> None:
        self._uows = uows
        self._clock = clock
        self._merge = merge_window
        self._zone = default_timezone
        self.email_alerts = email_alerts
        self.webhook_alerts = webhook_alerts
        self._access = PatientAccess(clock)

    # --- raising ----------------------------------------------------------------------
    async def raise_findings(
        self,
        uow: UnitOfWork,
        patient: Patient,
        findings: Sequence[Finding],
        out: Outgoing,
        *,
        source: str,
    ) -> list[Escalation]:
        """Open or add to escalations for these findings, and queue the first alerts."""
        now = out.now
        raised: list[Escalation] = []
        for finding in findings:
            existing = await uow.escalations.open_for_rule(
                patient.id, finding.rule, now - self._merge
            )
            if existing is None:
                escalation = Escalation(
                    id=new_id(),
                    number=await uow.meta.next_number("escalation"),
                    patient_id=patient.id,
                    rule=finding.rule,
                    level=finding.level,
                    status=EscalationStatus.OPEN,
                    reasons=(finding.reason,),
                    created_at=now,
                    updated_at=now,
                )
                await uow.escalations.add(escalation)
                await self._event(
                    uow, escalation, "raised", now, detail=f"{source}: {finding.reason}"
                )
                escalation = await self._notify(uow, patient, escalation, out, step=0)
                await uow.audit.append(
                    actor="system",
                    action="escalation.raise",
                    at=now,
                    patient_ref=patient.reference,
                    detail=f"{escalation.reference} {finding.rule} {finding.level.value}",
                )
            else:
                reasons = existing.reasons + (
                    () if finding.reason in existing.reasons else (finding.reason,)
                )
                upgraded = finding.level.rank > existing.level.rank
                escalation = replace(
                    existing,
                    reasons=reasons,
                    updated_at=now,
                    level=finding.level if upgraded else existing.level,
                )
                await uow.escalations.update(escalation)
                await self._event(
                    uow,
                    escalation,
                    "upgraded" if upgraded else "added",
                    now,
                    detail=f"{source}: {finding.reason}",
                )
                if upgraded and escalation.status is EscalationStatus.OPEN:
                    escalation = await self._notify(
                        uow, patient, escalation, out, step=escalation.notify_step
                    )
            raised.append(escalation)
        return raised

    async def _event(
        self,
        uow: UnitOfWork,
        escalation: Escalation,
        kind: str,
        now: datetime,
        *,
        staff_id: str | None = None,
        channel: str | None = None,
        detail: str | None = None,
    ) -> None:
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

    async def _policy(self, uow: UnitOfWork, team_id: str) -> AlertPolicy:
        return AlertPolicy.from_json(await uow.teams.policy(team_id), self._zone)

    async def _reachable_members(self, uow: UnitOfWork, team_id: str) -> list[Staff]:
        members = []
        for member in await uow.teams.members(team_id):
            staff = await uow.staff.get(member.staff_id)
            if staff is not None and staff.active:
                members.append(staff)
        return members

    def _reachable(self, staff: Staff) -> bool:
        return (staff.telegram_linked and staff.reachable) or (
            self.email_alerts and bool(staff.email)
        )

    async def _notify(
        self,
        uow: UnitOfWork,
        patient: Patient,
        escalation: Escalation,
        out: Outgoing,
        *,
        step: int,
    ) -> Escalation:
        """Alert this step's recipients on their channels and set the next deadline."""
        now = out.now
        policy = await self._policy(uow, patient.team_id)
        members = [
            m for m in await self._reachable_members(uow, patient.team_id) if self._reachable(m)
        ]
        by_id = {m.id: m for m in members}
        chosen = recipients([m.id for m in members], escalation.level, step, policy)
        already = {
            m.recipient_id
            for m in await uow.outbox.by_ref("escalation", escalation.id)
            if m.method in ("sendMessage", "email") and m.status is not DeliveryStatus.CANCELLED
        }
        text = texts.ALERT.format(
            escalation=escalation.reference,
            level=escalation.level.value.upper(),
            reference=patient.reference,
            initials=initials(patient.name or ""),
            when=escalation.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M"),
        )
        buttons = [
            [
                (texts.ALERT_ACKNOWLEDGE, ACK_PREFIX + escalation.id),
                (texts.ALERT_DETAILS, DETAILS_PREFIX + escalation.id),
            ]
        ]
        priority = Priority.CRISIS if escalation.level is Level.CRISIS else Priority.ALERT
        key = f"{step}:{escalation.level.value}"
        for staff_id in chosen:
            staff = by_id[staff_id]
            kind = "renotified" if staff_id in already else "notified"
            if staff.telegram_linked and staff.reachable:
                out.to_staff(
                    staff_id,
                    text,
                    purpose="alert",
                    buttons=buttons,
                    priority=priority,
                    key=f"alert:{escalation.id}:{staff_id}:{key}",
                    ref_kind="escalation",
                    ref_id=escalation.id,
                )
                await self._event(uow, escalation, kind, now, staff_id=staff_id, channel="telegram")
            if self.email_alerts and staff.email:
                self._email(out, escalation, staff_id, text, priority, key)
                await self._event(uow, escalation, kind, now, staff_id=staff_id, channel="email")
        if self.webhook_alerts and escalation.level is not Level.INFO:
            out.add(
                "webhook",
                patient.team_id,
                "webhook",
                {
                    "json": {
                        "event": "escalation.notify",
                        "escalation": escalation.reference,
                        "level": escalation.level.value,
                        "patient": patient.reference,
                        "initials": initials(patient.name or ""),
                        "step": step,
                        "raised_at": escalation.created_at.astimezone(UTC).isoformat(),
                    }
                },
                purpose="alert",
                priority=priority,
                key=f"hook:{escalation.id}:{key}",
                ref_kind="escalation",
                ref_id=escalation.id,
            )
            await self._event(uow, escalation, "notified", now, channel="webhook")
        if not chosen and escalation.level is not Level.INFO:
            await self._event(
                uow,
                escalation,
                "no_recipient",
                now,
                detail="no team member can be reached; visible in the CLI",
            )
        deadline = policy.deadline(escalation.level, now)
        updated = replace(escalation, notify_step=step, next_notify_at=deadline, updated_at=now)
        await uow.escalations.update(updated)
        return updated

    def _email(
        self,
        out: Outgoing,
        escalation: Escalation,
        staff_id: str,
        text: str,
        priority: int,
        key: str,
    ) -> None:
        body = text.replace("🔔 ", "") + (
            f"\n\nAcknowledge: clinician escalation ack {escalation.reference}\n"
            f"Details: clinician escalation show {escalation.reference}"
        )
        out.add(
            "email",
            staff_id,
            "email",
            {
                "subject": f"Alert {escalation.reference} · {escalation.level.value.upper()}",
                "text": body,
            },
            purpose="alert",
            priority=priority,
            key=f"email:{escalation.id}:{staff_id}:{key}",
            ref_kind="escalation",
            ref_id=escalation.id,
        )

    async def fall_back_to_email(
        self, uow: UnitOfWork, failed: OutboundMessage, out: Outgoing
    ) -> None:
        """A Telegram alert could not be delivered: e-mail the same person if we can."""
        if not self.email_alerts or failed.ref_id is None:
            return
        staff = await uow.staff.get(failed.recipient_id)
        escalation = await uow.escalations.get(failed.ref_id)
        if staff is None or not staff.email or escalation is None:
            return
        text = str(failed.payload.get("text", ""))
        self._email(out, escalation, staff.id, text, failed.priority, "fallback")
        await self._event(
            uow,
            escalation,
            "notified",
            out.now,
            staff_id=staff.id,
            channel="email",
            detail="Telegram delivery failed",
        )

    async def renotify_due(self, limit: int = 50) -> int:
        """Tick: unacknowledged past their deadline → re-notify and add the next person."""
        now = self._clock.now()
        async with self._uows() as uow:
            due = await uow.escalations.due_for_notification(now, limit)
            out = Outgoing(f"renotify:{now.isoformat()}", now)
            for escalation in due:
                patient = await uow.patients.get(escalation.patient_id)
                if patient is None:
                    continue
                await self._notify(uow, patient, escalation, out, step=escalation.notify_step + 1)
            for message in out.messages:
                await uow.outbox.enqueue(message)
            await uow.commit()
            return len(due)

    async def fall_back(self, uow: UnitOfWork, failed: OutboundMessage, out: Outgoing) -> None:
        """An alert could not be delivered to one person: go to the next one now."""
        if failed.ref_id is None:
            return
        escalation = await uow.escalations.get(failed.ref_id, lock=True)
        if escalation is None or escalation.status is not EscalationStatus.OPEN:
            return
        await self._event(
            uow,
            escalation,
            "delivery_failed",
            out.now,
            staff_id=failed.recipient_id,
            channel="email" if failed.method == "email" else "telegram",
        )
        if failed.method == "sendMessage":
            await self.fall_back_to_email(uow, failed, out)
        patient = await uow.patients.get(escalation.patient_id)
        if patient is not None:
            await self._notify(uow, patient, escalation, out, step=escalation.notify_step + 1)

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
        await self._event(
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
            for message in out.messages:
                await uow.outbox.enqueue(message)
            await uow.inbox.mark_done(update_id, now)
            await uow.commit()

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
            for message in out.messages:
                await uow.outbox.enqueue(message)
            await uow.inbox.mark_done(update_id, now)
            await uow.commit()

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
            for message in out.messages:
                await uow.outbox.enqueue(message)
            await uow.commit()
            return changed
