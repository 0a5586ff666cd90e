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

ALERT_AGAIN = frozenset({Level.CRISIS, Level.URGENT})  # never only "added" to a taken alert
ALERTS = ("sendMessage", "email")  # outbox methods that alert one person
NOT_ALERTED = (DeliveryStatus.CANCELLED,)  # rows that never counted as an alert


def reopens(existing: Escalation, finding: Finding) -> bool:
    """A crisis or urgent finding on an escalation someone has already taken (acknowledged
    or resolved) opens a new one that alerts from the first step: adding it to the old
    one would alert nobody, while the patient is told the team was alerted."""
    return existing.status is not EscalationStatus.OPEN and finding.level in ALERT_AGAIN


async def team_alerted(uow: UnitOfWork, raised: Sequence[Escalation]) -> bool:
    """Whether the patient may be told the care team was alerted: one of these escalations
    is open and has alerted someone (a person by Telegram or e-mail, or the team's webhook),
    so alerts keep going out until someone acknowledges it. With nobody reachable it waits
    at the top of ``clinician escalations`` (``no_recipient`` on its timeline) and the
    patient is not told anyone was alerted. A finding only added to an escalation someone
    already took is not that either."""
    for escalation in raised:
        if escalation.status is not EscalationStatus.OPEN:
            continue
        events = await uow.escalations.events(escalation)
        if any(event.kind in ("notified", "renotified") for event in events):
            return True
    return False


def alert_step(message: OutboundMessage, escalation_id: str) -> int | None:
    """The step a Telegram alert was sent at (its key ends ``alert:<e>:<staff>:<step>:<lvl>``)."""
    marker = f"alert:{escalation_id}:{message.recipient_id}:"
    _, found, rest = message.idempotency_key.rpartition(marker)
    step = rest.split(":", 1)[0]
    return int(step) if found and step.isdigit() else None


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
            followed = None
            if existing is not None and reopens(existing, finding):
                followed = existing
            if existing is None or followed is not None:
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
                if followed is not None:  # someone took the last one; this one alerts afresh
                    await record_event(
                        uow,
                        escalation,
                        "follows",
                        now,
                        detail=f"after {followed.reference} ({followed.status.value})",
                    )
                escalation = await self._notify(uow, patient, escalation, out, step=0)
                await uow.audit.append(
                    actor="system",
                    action="escalation.raise",
                    at=now,
                    patient_ref=patient.reference,
                    detail=escalation.reference,  # no rule or level: audit outlives erasure
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

    async def can_alert(self, uow: UnitOfWork, team_id: str) -> bool:
        """Whether an escalation for this team would reach anyone now: a member with
        Telegram linked (or e-mail, when e-mail alerts are on), or the alert webhook."""
        return self.webhook_alerts or bool((await self._team(uow, team_id))[1])

    async def _team(self, uow: UnitOfWork, team_id: str) -> tuple[AlertPolicy, list[Staff]]:
        """The team's alert policy and its members who can be alerted, in team order."""
        members = [m for m in await self._reachable_members(uow, team_id) if self._reachable(m)]
        return await self._policy(uow, team_id), members

    @staticmethod
    async def _alerted(uow: UnitOfWork, escalation: Escalation) -> set[str]:
        """Staff ids sent an alert (Telegram or e-mail) for this escalation, failed or not."""
        return {
            m.recipient_id
            for m in await uow.outbox.by_ref("escalation", escalation.id)
            if m.method in ALERTS and m.status not in NOT_ALERTED
        }

    @staticmethod
    async def _noted_since_last_alert(uow: UnitOfWork, escalation: Escalation, kind: str) -> bool:
        """Whether the timeline has ``kind`` after the last alert sent to anyone."""
        for event in reversed(await uow.escalations.events(escalation)):
            if event.kind == kind:
                return True
            if event.kind in ("notified", "renotified"):
                return False
        return False

    async def _notify(
        self,
        uow: UnitOfWork,
        patient: Patient,
        escalation: Escalation,
        out: Outgoing,
        *,
        step: int,
        only: Sequence[str] | None = None,
    ) -> Escalation:
        """Alert this step's recipients on their channels and set the next deadline.

        ``only`` narrows the step to these people (falling back: only those not alerted yet,
        and no webhook again).
        """
        now = out.now
        policy, members = await self._team(uow, patient.team_id)
        by_id = {m.id: m for m in members}
        chosen = recipients([m.id for m in members], escalation.level, step, policy)
        if only is not None:
            chosen = [staff_id for staff_id in chosen if staff_id in only]
        already = await self._alerted(uow, escalation)
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
        if self.webhook_alerts and escalation.level is not Level.INFO and only is None:
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
        if (
            not chosen
            and escalation.level is not Level.INFO
            and not await self._noted_since_last_alert(uow, escalation, "no_recipient")
        ):  # once, not at every deadline: the timeline stays readable
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
        """An alert could not be delivered to one person: alert the next one now.

        Only people the team's policy names next and who have no alert for this escalation
        yet are alerted; the person whose alert failed is never alerted again from here (the
        deadline's re-notification still includes them). A failure of an alert from an
        earlier step is only recorded. When nobody new is left, that is recorded once and
        the deadline stays as it was.
        """
        if failed.ref_id is None or failed.method != "sendMessage":
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
            channel="telegram",
        )
        step = alert_step(failed, escalation.id)
        if step is not None and step < escalation.notify_step:
            return  # a later step has gone out since; it has its own fallback
        await self.fall_back_to_email(uow, failed, out)
        patient = await uow.patients.get(escalation.patient_id)
        if patient is None:
            return
        policy, members = await self._team(uow, patient.team_id)
        ids = [m.id for m in members]
        alerted = await self._alerted(uow, escalation) | {failed.recipient_id}
        for next_step in range(escalation.notify_step + 1, escalation.notify_step + len(ids) + 1):
            fresh = [
                s for s in recipients(ids, escalation.level, next_step, policy) if s not in alerted
            ]
            if fresh:
                await self._notify(uow, patient, escalation, out, step=next_step, only=fresh)
                return
        if not await self._noted_since_last_alert(uow, escalation, "no_one_left"):
            await record_event(
                uow,
                escalation,
                "no_one_left",
                out.now,
                detail="everyone the alert policy names has an alert; next round at the deadline",
            )

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
