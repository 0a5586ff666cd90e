"""Check-in schedules: the database is the source of truth for time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.model import PatientState, Schedule
from bot.store.repositories.patients import STATE_COLUMNS, state_of
from bot.store.tables import Base, PatientRow, ScheduleRow

SCHEDULES = Base.metadata.tables["schedules"]


def _schedule(row: ScheduleRow) -> Schedule:
    return Schedule(
        id=row.id,
        patient_id=row.patient_id,
        kind=row.kind,
        local_time=row.local_time,
        days=row.days,
        active=row.active,
        created_at=row.created_at,
        updated_at=row.updated_at,
        next_due_utc=row.next_due_utc,
    )


class ScheduleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, schedule: Schedule) -> None:
        self._session.add(
            ScheduleRow(
                id=schedule.id,
                patient_id=schedule.patient_id,
                kind=schedule.kind,
                local_time=schedule.local_time,
                days=schedule.days,
                active=schedule.active,
                next_due_utc=schedule.next_due_utc,
                created_at=schedule.created_at,
                updated_at=schedule.updated_at,
            )
        )
        await self._session.flush()

    async def for_patient(self, patient_id: str, *, active_only: bool = True) -> list[Schedule]:
        query = select(ScheduleRow).where(ScheduleRow.patient_id == patient_id)
        if active_only:
            query = query.where(ScheduleRow.active.is_(True))
        rows = await self._session.scalars(query.order_by(ScheduleRow.kind, ScheduleRow.local_time))
        return [_schedule(r) for r in rows]

    async def deactivate_for_patient(
        self, patient_id: str, now: datetime, *, kind: str | None = None
    ) -> int:
        query = update(ScheduleRow).where(
            ScheduleRow.patient_id == patient_id, ScheduleRow.active.is_(True)
        )
        if kind is not None:
            query = query.where(ScheduleRow.kind == kind)
        result = await self._session.execute(query.values(active=False, updated_at=now))
        return int(getattr(result, "rowcount", 0) or 0)

    async def claim_due(self, now: datetime, limit: int) -> list[tuple[Schedule, PatientState]]:
        """Due rows with their patient's scheduling facts (one query, nothing decrypted);
        the schedules are locked for this transaction and other workers skip them
        (PostgreSQL); the patients are not locked."""
        table = SCHEDULES
        names = [column.key for column in table.c]
        rows = await self._session.execute(  # Core rows: a tick reads thousands
            select(table, *STATE_COLUMNS)
            .join(PatientRow, PatientRow.id == table.c.patient_id)
            .where(table.c.active.is_(True), table.c.next_due_utc <= now)
            .order_by(table.c.next_due_utc)
            .limit(limit)
            .with_for_update(skip_locked=True, of=table)
        )
        width = len(names)
        return [
            (Schedule(**dict(zip(names, row[:width], strict=True))), state_of(row[width:]))
            for row in rows
        ]

    async def set_next_due(
        self, schedule_id: str, next_due: datetime | None, now: datetime
    ) -> None:
        await self._session.execute(
            update(ScheduleRow)
            .where(ScheduleRow.id == schedule_id)
            .values(next_due_utc=next_due, updated_at=now)
        )

    async def set_next_due_many(
        self, values: list[tuple[str, datetime | None]], now: datetime
    ) -> None:
        """Bulk update by primary key (one executemany, not one statement per row)."""
        if values:
            table = SCHEDULES
            await self._session.execute(
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values(next_due_utc=bindparam("b_due"), updated_at=now),
                [{"b_id": sid, "b_due": due} for sid, due in values],
            )
