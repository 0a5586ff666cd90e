"""What supporters are sent under the patient's consent, and the ticks that keep it so.

Only templated texts, each queued with the scope it needs (checked again at send time):
"please reach out", a crisis notice, and a weekly "checked in N of the last 7 days".
Supporters whose consent has run out are ended by the ``expire`` tick.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.model import CheckinStatus, Patient, PatientStatus, Priority, SupporterStatus
from bot.services import texts
from bot.services.outgoing import Outgoing, commit
from bot.services.ports import Clock, UnitOfWork, UnitOfWorkFactory
from bot.services.supporter_consent import active_consent, end_support

t = texts.Supporters


class ConsentedNotices:
    def __init__(self, uows: UnitOfWorkFactory, clock: Clock) -> None:
        self._uows = uows
        self._clock = clock

    async def count_with_scope(self, uow: UnitOfWork, patient: Patient, scope: str) -> int:
        now = self._clock.now()
        count = 0
        for supporter in await uow.supporters.for_patient(patient.id):
            consent = await active_consent(uow, supporter, now)
            if supporter.status is SupporterStatus.ACTIVE and consent and scope in consent.scopes:
                count += 1
        return count

    async def notify(self, uow: UnitOfWork, patient: Patient, scope: str, out: Outgoing) -> int:
        """Queue the templated message of ``scope`` to every supporter who may get it."""
        count = 0
        for supporter in await uow.supporters.for_patient(patient.id):
            consent = await active_consent(uow, supporter, out.now)
            if (
                supporter.status is not SupporterStatus.ACTIVE
                or consent is None
                or scope not in consent.scopes
            ):
                continue
            text = (t.CRISIS_NOTICE if scope == "crisis_notice" else t.REACH_OUT).format(
                alias=supporter.alias or "Someone you support"
            )
            out.add(
                "supporter",
                supporter.id,
                "sendMessage",
                {"text": text},
                purpose=scope,
                patient_id=patient.id,
                consent_scope=scope,
                priority=Priority.CRISIS if scope == "crisis_notice" else Priority.INTERACTIVE,
                key=f"{scope}:{supporter.id}",
            )
            count += 1
        # one neutral action for every kind of notice: "crisis" never reaches the audit log
        await uow.audit.append(
            actor="patient",
            action="supporter.notice",
            at=out.now,
            patient_ref=patient.reference,
            detail=f"count={count}",
        )
        return count

    async def weekly_summaries(self) -> int:
        """Tick: 'checked in N of the last 7 days' to supporters who may receive it."""
        now = self._clock.now()
        sent = 0
        async with self._uows() as uow:
            out = Outgoing(f"weekly:{now.date().isoformat()}", now)
            for supporter in await uow.supporters.with_status(SupporterStatus.ACTIVE):
                if supporter.last_summary_at and now - supporter.last_summary_at < timedelta(
                    days=7
                ):
                    continue
                patient = await uow.patients.get(supporter.patient_id)
                consent = await active_consent(uow, supporter, now)
                if (
                    patient is None
                    or patient.status is not PatientStatus.ACTIVE  # paused, stopped, discharged
                    or consent is None
                    or "weekly_summary" not in consent.scopes
                ):
                    continue
                if supporter.last_summary_at is None and now - consent.granted_at < timedelta(
                    days=7
                ):
                    continue
                days = await self._days_checked_in(uow, patient, now)
                out.add(
                    "supporter",
                    supporter.id,
                    "sendMessage",
                    {"text": t.WEEKLY.format(alias=supporter.alias or "They", days=days)},
                    purpose="weekly_summary",
                    patient_id=patient.id,
                    consent_scope="weekly_summary",
                    priority=Priority.BULK,
                    key=f"weekly:{supporter.id}",
                )
                await uow.supporters.save(replace(supporter, last_summary_at=now))
                sent += 1
            await commit(uow, out, None)
        return sent

    async def _days_checked_in(self, uow: UnitOfWork, patient: Patient, now: datetime) -> int:
        zone = ZoneInfo(patient.timezone)
        recent = await uow.checkins.for_patient(patient.id, since=now - timedelta(days=7))
        return len(
            {
                c.completed_at.astimezone(zone).date()
                for c in recent
                if c.status is CheckinStatus.COMPLETED and c.completed_at is not None
            }
        )

    async def expire(self) -> int:
        """Tick: supporters whose consent has run out stop receiving anything."""
        now = self._clock.now()
        ended = 0
        async with self._uows() as uow:
            out = Outgoing(f"expire:{now.date().isoformat()}", now)
            for supporter in await uow.supporters.with_status(SupporterStatus.ACTIVE):
                if await active_consent(uow, supporter, now) is None:
                    await end_support(uow, supporter, SupporterStatus.EXPIRED, "expired", now)
                    out.to_patient(
                        supporter.patient_id,
                        t.EXPIRED.format(name=supporter.name),
                        purpose="supporters",
                        key=f"expired:{supporter.id}",
                    )
                    ended += 1
            await commit(uow, out, None)
        return ended
