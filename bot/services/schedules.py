"""Check-in schedules: set by the clinician, adjusted by the patient within a window.

Each schedule row keeps ``next_due_utc``; the scheduler tick turns due rows into check-ins.
High-risk times from the plan add extra check-ins an hour before them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.errors import Conflict, InvalidInput
from bot.domain.ids import new_id
from bot.domain.model import Patient, PatientStatus, Schedule
from bot.domain.schedule import next_due_text, normalise, occurrences_text
from bot.plans.model import Plan
from bot.services.access import Actor
from bot.services.patients import PatientAccess
from bot.services.ports import Clock, UnitOfWork, UnitOfWorkFactory

MAX_TIMES = 6
HIGH_RISK_LEAD = timedelta(hours=1)


@dataclass(frozen=True)
class PreviewItem:
    local: datetime
    utc: datetime
    kind: str


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


class ScheduleService:
    def __init__(self, uows: UnitOfWorkFactory, clock: Clock) -> None:
        self._uows = uows
        self._clock = clock
        self._access = PatientAccess(clock)

    def _rows(
        self, patient: Patient, kind: str, times: list[str], days: str, now: datetime
    ) -> list[Schedule]:
        rows = []
        for text in times:
            local, canonical_days = normalise(text, days)
            rows.append(
                Schedule(
                    id=new_id(),
                    patient_id=patient.id,
                    kind=kind,
                    local_time=local,
                    days=canonical_days,
                    active=True,
                    created_at=now,
                    updated_at=now,
                    next_due_utc=next_due_text(local, canonical_days, patient.timezone, now),
                )
            )
        return rows

    async def _replace(
        self, uow: UnitOfWork, patient: Patient, kind: str, rows: list[Schedule], now: datetime
    ) -> None:
        await uow.schedules.deactivate_for_patient(patient.id, now, kind=kind)
        for row in rows:
            await uow.schedules.add(row)

    def _check_times(self, times: list[str]) -> list[str]:
        if not times:
            raise InvalidInput("give at least one --at time, e.g. --at 09:00 --at 20:30")
        if len(times) > MAX_TIMES:
            raise InvalidInput(f"at most {MAX_TIMES} check-in times a day, got {len(times)}")
        normalised = [normalise(t, "*")[0] for t in times]
        if len(set(normalised)) != len(normalised):
            raise InvalidInput(f"the same time is given twice: {', '.join(times)}")
        return sorted(normalised)

    async def set(
        self, actor: Actor, reference: str, times: list[str], days: str
    ) -> tuple[Patient, list[Schedule]]:
        """``clinician schedule set``: replaces the patient's regular check-in times."""
        checked = self._check_times(times)
        now = self._clock.now()
        async with self._uows() as uow:
            patient = await self._access.resolve(uow, actor, reference, "schedule.set")
            if patient.status is PatientStatus.ERASED:
                raise Conflict(f"{patient.reference} was erased")
            rows = self._rows(patient, "regular", checked, days, now)
            await self._replace(uow, patient, "regular", rows, now)
            await uow.audit.append(
                actor=actor.audit_name,
                action="schedule.set",
                at=now,
                patient_ref=patient.reference,
                detail=f"times={','.join(checked)} days={rows[0].days}",
            )
            await uow.commit()
            return patient, rows

    async def show(self, actor: Actor, reference: str) -> tuple[Patient, list[Schedule]]:
        async with self._uows() as uow:
            patient = await self._access.resolve(uow, actor, reference, "schedule.show")
            rows = await uow.schedules.for_patient(patient.id)
            await uow.audit.append(
                actor=actor.audit_name,
                action="schedule.show",
                at=self._clock.now(),
                patient_ref=patient.reference,
            )
            await uow.commit()
            return patient, rows

    async def preview(
        self, actor: Actor, reference: str, start: date | None, days: int
    ) -> tuple[Patient, list[PreviewItem]]:
        if not 1 <= days <= 60:
            raise InvalidInput(f"--days must be 1 to 60, got {days}")
        patient, rows = await self.show(actor, reference)
        zone = ZoneInfo(patient.timezone)
        first = start or self._clock.now().astimezone(zone).date()
        begin = datetime.combine(first, time(0), tzinfo=zone)
        end = begin + timedelta(days=days)
        items = [
            PreviewItem(due.astimezone(zone), due, row.kind)
            for row in rows
            for due in occurrences_text(row.local_time, row.days, patient.timezone, begin, end)
        ]
        return patient, sorted(items, key=lambda item: item.utc)

    # --- the patient's side -------------------------------------------------------------
    def within_window(self, patient: Patient, local_time: str) -> bool:
        minutes = _minutes(local_time)
        return _minutes(patient.window_start) <= minutes <= _minutes(patient.window_end)

    async def patient_times(
        self, uow: UnitOfWork, patient: Patient, times: list[str], now: datetime
    ) -> list[Schedule]:
        """The patient picks times inside the window the clinician allows."""
        checked = self._check_times(times)
        outside = [t for t in checked if not self.within_window(patient, t)]
        if outside:
            raise InvalidInput(
                f"{', '.join(outside)} is outside {patient.window_start}–{patient.window_end}"
            )
        current = [s for s in await uow.schedules.for_patient(patient.id) if s.kind == "regular"]
        days = current[0].days if current else "*"
        rows = self._rows(patient, "regular", checked, days, now)
        await self._replace(uow, patient, "regular", rows, now)
        return rows

    async def retime(self, uow: UnitOfWork, patient: Patient, now: datetime) -> None:
        """After a time-zone change, recompute every next due time in the new zone."""
        for row in await uow.schedules.for_patient(patient.id):
            await uow.schedules.set_next_due(
                row.id,
                next_due_text(row.local_time, row.days, patient.timezone, now),
                now,
            )

    async def sync_high_risk(
        self, uow: UnitOfWork, patient: Patient, plan: Plan, now: datetime
    ) -> list[Schedule]:
        """One extra check-in an hour before each of the plan's high-risk times."""
        rows = []
        for moment in plan.high_risk_times:
            hours, minutes = (int(p) for p in moment.time.split(":"))
            lead = datetime(2000, 1, 1, hours, minutes) - HIGH_RISK_LEAD
            if lead.day != 1:  # an hour before 00:30 is the previous evening: keep it simple
                lead = datetime(2000, 1, 1, 0, 0)
            days = ",".join(moment.days)
            local = lead.strftime("%H:%M")
            local, days = normalise(local, days)
            rows.append(
                Schedule(
                    id=new_id(),
                    patient_id=patient.id,
                    kind="high_risk",
                    local_time=local,
                    days=days,
                    active=True,
                    created_at=now,
                    updated_at=now,
                    next_due_utc=next_due_text(local, days, patient.timezone, now),
                )
            )
        await self._replace(uow, patient, "high_risk", rows, now)
        return rows
