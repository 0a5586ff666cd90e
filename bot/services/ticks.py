"""What the clock does: due check-ins, reminders, expiry, missed and silence alerts.

Each tick is one transaction per batch, safe to run twice (occurrences are unique per
schedule and due time; outbox rows are unique per key) and safe to run on several
machines (rows are claimed with SKIP LOCKED on PostgreSQL; only the leader runs ticks).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.domain.ids import new_id
from bot.domain.model import Checkin, CheckinStatus, PatientState, PatientStatus, Priority
from bot.domain.risk import Signals, assess
from bot.domain.schedule import load_zone, next_due_text
from bot.services import texts
from bot.services.checkins import CheckinService
from bot.services.escalations import EscalationService
from bot.services.outgoing import Outgoing
from bot.services.planbook import PlanBook
from bot.services.ports import Clock, UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)
BATCH_PAUSE = 0.02  # seconds between batches: room for other writers (SQLite has one)
MAX_MISSED_RECORDED = 14  # after a long outage, older occurrences are skipped, not listed
SILENCE_PAGE = 25  # silent patients per transaction: an SOS waits for one page at most


def in_quiet_hours(local: datetime, start: str | None, end: str | None) -> bool:
    if not start or not end:
        return False
    minutes = local.hour * 60 + local.minute
    first = int(start[:2]) * 60 + int(start[3:])
    last = int(end[:2]) * 60 + int(end[3:])
    if first <= last:
        return first <= minutes < last
    return minutes >= first or minutes < last  # over midnight, e.g. 22:00-07:00


@dataclass
class TickReport:
    created: int = 0
    missed: int = 0
    skipped: int = 0


class TickService:
    def __init__(
        self,
        uows: UnitOfWorkFactory,
        clock: Clock,
        checkins: CheckinService,
        escalations: EscalationService,
        planbook: PlanBook,
        *,
        grace: timedelta,
        batch: int = 1000,
        batch_pause: float = BATCH_PAUSE,
        workers: int = 1,
    ) -> None:
        self._uows = uows
        self._clock = clock
        self._checkins = checkins
        self._escalations = escalations
        self._plans = planbook
        self.grace = grace
        self.batch = batch
        self.batch_pause = batch_pause
        self.workers = workers  # concurrent batches: 1 on SQLite (one writer), 2 on PostgreSQL
        self.silence_page = SILENCE_PAGE

    # --- due check-ins ----------------------------------------------------------------
    async def materialise_due(self, batch: int | None = None) -> TickReport:
        """Turn due schedule rows into check-ins (or missed records), then advance them.

        Batches are small and the tick pauses briefly between them, so an SOS or an
        answer arriving meanwhile never waits long for the database (SQLite has one writer).
        """
        report = TickReport()
        batch = batch or self.batch
        if self.workers == 1:
            await self._drain(batch, report)
            return report
        # PostgreSQL: while one batch is in the server, the next is prepared here; SKIP
        # LOCKED gives each worker different rows, the unique key guards the rest
        async with asyncio.TaskGroup() as group:
            for _ in range(self.workers):
                group.create_task(self._drain(batch, report))
        return report

    async def _drain(self, batch: int, report: TickReport) -> None:
        """Claim and materialise batches until fewer than ``batch`` rows are due."""
        first = True
        while True:
            if not first and self.batch_pause:
                await asyncio.sleep(self.batch_pause)
            first = False
            now = self._clock.now()
            async with self._uows() as uow:
                due = await uow.schedules.claim_due(now, batch)
                if not due:
                    return
                out = Outgoing(f"tick:{now.isoformat()}", now)
                fresh: list[Checkin] = []
                advances: list[tuple[str, datetime | None]] = []
                for schedule, state in due:
                    moment = schedule.next_due_utc
                    assert moment is not None
                    recorded = 0
                    while moment <= now:
                        checkin = self._occurrence(
                            schedule.id, schedule.kind, state, moment, now, report, recorded
                        )
                        if checkin is not None:
                            fresh.append(checkin)
                            recorded += checkin.status is CheckinStatus.MISSED
                        moment = next_due_text(
                            schedule.local_time,
                            schedule.days,
                            state.timezone,
                            moment,
                        )
                    advances.append((schedule.id, moment))
                inserted = await uow.checkins.add_many(fresh)
                for checkin in fresh:
                    if checkin.id in inserted and checkin.status is CheckinStatus.PENDING:
                        self._checkins.invitation(checkin, out, priority=Priority.BULK)
                        report.created += 1
                await uow.outbox.enqueue_many(out.messages)
                await uow.schedules.set_next_due_many(advances, now)
                await uow.commit()
            if len(due) < batch:
                return

    def _occurrence(
        self,
        schedule_id: str,
        kind: str,
        state: PatientState | None,
        due: datetime,
        now: datetime,
        report: TickReport,
        recorded: int,
    ) -> Checkin | None:
        if state is None or state.status is not PatientStatus.ACTIVE or not state.linked:
            report.skipped += 1
            return None
        local = due.astimezone(load_zone(state.timezone))
        if in_quiet_hours(local, state.quiet_start, state.quiet_end):
            report.skipped += 1
            return None
        late = now - due
        origin = "high_risk" if kind == "high_risk" else "scheduled"
        checkin = Checkin(
            id=new_id(),
            patient_id=state.id,
            due_at=due,
            origin=origin,
            status=CheckinStatus.PENDING,
            created_at=now,
            schedule_id=schedule_id,
            expires_at=now + self._checkins.reminder_after + self._checkins.expires_after,
        )
        if late <= self.grace:
            return checkin
        if recorded >= MAX_MISSED_RECORDED:
            report.skipped += 1
            return None
        report.missed += 1
        return replace(checkin, status=CheckinStatus.MISSED, completed_at=now, expires_at=now)

    # --- reminders and expiry ---------------------------------------------------------------
    async def remind_and_expire(self) -> tuple[int, int]:
        now = self._clock.now()
        async with self._uows() as uow:
            out = Outgoing(f"remind:{now.isoformat()}", now)
            reminders = await uow.checkins.needing_reminder(now - self._checkins.reminder_after)
            states = await uow.patients.states({c.patient_id for c in reminders})
            for checkin in reminders:
                state = states.get(checkin.patient_id)
                if state is None or state.status is not PatientStatus.ACTIVE:
                    continue
                local = now.astimezone(load_zone(state.timezone))
                if not in_quiet_hours(local, state.quiet_start, state.quiet_end):
                    out.to_patient(
                        checkin.patient_id,
                        texts.CHECKIN_REMINDER,
                        purpose="reminder",
                        priority=Priority.ROUTINE,
                        key=f"reminder:{checkin.id}",
                    )
                await uow.checkins.update(replace(checkin, reminded_at=now))
            expired = await uow.checkins.expired(now)
            for checkin in expired:
                closed = CheckinStatus.EXPIRED if checkin.cursor else CheckinStatus.MISSED
                await uow.checkins.update(replace(checkin, status=closed, completed_at=now))
            for patient_id in {c.patient_id for c in expired}:
                await self._missed_alert(uow, patient_id, out)
            await uow.outbox.enqueue_many(out.messages)
            await uow.commit()
            return len(reminders), len(expired)

    async def _missed_alert(self, uow: UnitOfWork, patient_id: str, out: Outgoing) -> None:
        patient = await uow.patients.get(patient_id)
        if patient is None or patient.status is not PatientStatus.ACTIVE:
            return
        current = await self._plans.current(uow, patient_id)
        thresholds = self._plans.thresholds(current.plan)
        if thresholds.missed_in_a_row is None:
            return
        statuses = await uow.checkins.recent_statuses(patient_id, thresholds.missed_in_a_row)
        in_a_row = 0
        for status in statuses:
            if status not in (CheckinStatus.MISSED, CheckinStatus.EXPIRED):
                break
            in_a_row += 1
        risk = assess(Signals(missed_in_a_row=in_a_row), thresholds)
        if risk.findings:
            await self._escalations.raise_findings(
                uow, patient, list(risk.findings), out, source="schedule"
            )

    # --- silence and pauses --------------------------------------------------------------
    async def silence(self) -> int:
        """Patients silent for their plan's number of days get one alert per silence.

        Any silence escalation raised since the patient's last interaction, even one
        already resolved, stands for this silence: the team has seen it. Every silent
        patient is checked, a page at a time in id order, one short transaction per page.
        """
        now = self._clock.now()
        raised = 0
        after: str | None = None
        while True:
            async with self._uows() as uow:
                page = await uow.patients.silent_since(
                    now - timedelta(days=1), self.silence_page, after_id=after
                )
                if not page:
                    return raised
                out = Outgoing(f"silence:{now.date().isoformat()}", now)
                for state in page:
                    raised += await self._silence_of(uow, state, out)
                await uow.outbox.enqueue_many(out.messages)
                await uow.commit()
            if len(page) < self.silence_page:
                return raised
            after = page[-1].id
            if self.batch_pause:
                await asyncio.sleep(self.batch_pause)

    async def _silence_of(self, uow: UnitOfWork, state: PatientState, out: Outgoing) -> int:
        """1 if this patient's silence was raised now, else 0."""
        since = state.last_interaction_at
        if since is None:
            return 0
        earlier = await uow.escalations.find(patient_ids=[state.id], since=since)
        if any(e.rule == "silence" for e in earlier):
            return 0
        patient = await uow.patients.get(state.id)
        if patient is None or patient.status is not PatientStatus.ACTIVE:
            return 0
        current = await self._plans.current(uow, state.id)
        thresholds = self._plans.thresholds(current.plan)
        risk = assess(Signals(silence_days=(out.now - since).days), thresholds)
        if not risk.findings:
            return 0
        await self._escalations.raise_findings(
            uow, patient, list(risk.findings), out, source="engagement"
        )
        return 1

    async def end_pauses(self) -> int:
        now = self._clock.now()
        async with self._uows() as uow:
            ended = await uow.patients.pause_ended(now)
            for state in ended:
                patient = await uow.patients.get(state.id)
                if patient is not None:
                    await uow.patients.update(
                        replace(
                            patient, status=PatientStatus.ACTIVE, paused_until=None, updated_at=now
                        )
                    )
            await uow.commit()
            return len(ended)
