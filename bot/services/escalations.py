"""Escalations: created with the data that caused them, delivered to the care team, closed
by a human (see ``escalation_review``).

``raise_findings`` runs inside the caller's unit of work, so an escalation and the
check-in (or SOS, or message) that triggered it are committed together or not at all.
Alerts go to this step's recipients on Telegram (and e-mail or a webhook if enabled);
an undelivered or unacknowledged alert moves on to the next person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, timedelta

from bot.domain.ids import initials, new_id
from bot.domain.model import (
    DeliveryStatus,
    Escalation,
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
from bot.services.escalation_review import (
    ACK_PREFIX,
    DETAILS_PREFIX,
    EscalationDetail,
    EscalationReview,
    record_event,
)
from bot.services.outgoing import Outgoing, commit
from bot.services.ports import Clock, UnitOfWork, UnitOfWorkFactory


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
        self._review = EscalationReview(uows, clock)

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
                await record_event(
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
                await record_event(
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
                await record_event(
                    uow, escalation, kind, now, staff_id=staff_id, channel="telegram"
                )
            if self.email_alerts and staff.email:
                self._email(out, escalation, staff_id, text, priority, key)
                await record_event(uow, escalation, kind, now, staff_id=staff_id, channel="email")
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
            await record_event(uow, escalation, "notified", now, channel="webhook")
        if not chosen and escalation.level is not Level.INFO:
            await record_event(
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
        await record_event(
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
            await commit(uow, out)
            return len(due)

    async def fall_back(self, uow: UnitOfWork, failed: OutboundMessage, out: Outgoing) -> None:
        """An alert could not be delivered to one person: go to the next one now."""
        if failed.ref_id is None:
            return
        escalation = await uow.escalations.get(failed.ref_id, lock=True)
        if escalation is None or escalation.status is not EscalationStatus.OPEN:
            return
        await record_event(
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

    # --- closing the loop and reading (see escalation_review) ----------------------------
    async def acknowledge_from_telegram(
        self, chat_id: int, escalation_id: str, callback_query_id: str, update_id: int
    ) -> None:
        await self._review.acknowledge_from_telegram(
            chat_id, escalation_id, callback_query_id, update_id
        )

    async def details_hint(
        self, chat_id: int, escalation_id: str, callback_query_id: str, update_id: int
    ) -> None:
        await self._review.details_hint(chat_id, escalation_id, callback_query_id, update_id)

    async def list_for(
        self, actor: Actor, *, open_only: bool, patient_ref: str | None
    ) -> list[tuple[Escalation, str]]:
        return await self._review.list_for(actor, open_only=open_only, patient_ref=patient_ref)

    async def show(self, actor: Actor, reference: str) -> EscalationDetail:
        return await self._review.show(actor, reference)

    async def acknowledge(self, actor: Actor, reference: str) -> Escalation:
        return await self._review.acknowledge(actor, reference)

    async def resolve(self, actor: Actor, reference: str, note: str) -> Escalation:
        return await self._review.resolve(actor, reference, note)
