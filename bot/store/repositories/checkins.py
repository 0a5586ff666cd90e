"""Check-in occurrences and their answers (answers encrypted per patient)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.ids import new_id
from bot.domain.model import Answer, Checkin, CheckinStatus
from bot.store.tables import CheckinAnswerRow, CheckinRow
from bot.store.vault import Vault


def _checkin(row: CheckinRow) -> Checkin:
    return Checkin(
        id=row.id,
        patient_id=row.patient_id,
        due_at=row.due_at,
        origin=row.origin,
        status=CheckinStatus(row.status),
        created_at=row.created_at,
        schedule_id=row.schedule_id,
        plan_version=row.plan_version,
        cursor=row.cursor,
        message_id=row.message_id,
        sent_at=row.sent_at,
        reminded_at=row.reminded_at,
        started_at=row.started_at,
        completed_at=row.completed_at,
        expires_at=row.expires_at,
        risk_level=row.risk_level,
    )


_MUTABLE = (
    "status",
    "plan_version",
    "cursor",
    "message_id",
    "sent_at",
    "reminded_at",
    "started_at",
    "completed_at",
    "expires_at",
    "risk_level",
)


class CheckinRepository:
    def __init__(self, session: AsyncSession, vault: Vault) -> None:
        self._session = session
        self._vault = vault

    async def add(self, checkin: Checkin) -> None:
        self._session.add(
            CheckinRow(
                id=checkin.id,
                patient_id=checkin.patient_id,
                schedule_id=checkin.schedule_id,
                due_at=checkin.due_at,
                origin=checkin.origin,
                created_at=checkin.created_at,
                **{name: getattr(checkin, name) for name in _MUTABLE if name != "status"},
                status=checkin.status.value,
            )
        )
        await self._session.flush()

    async def get(self, checkin_id: str, *, lock: bool = False) -> Checkin | None:
        query = select(CheckinRow).where(CheckinRow.id == checkin_id)
        if lock:
            query = query.with_for_update()
        row = await self._session.scalar(query)
        return None if row is None else _checkin(row)

    async def update(self, checkin: Checkin) -> None:
        row = await self._session.get(CheckinRow, checkin.id)
        if row is None:
            raise LookupError(checkin.id)
        for name in _MUTABLE:
            value = getattr(checkin, name)
            setattr(row, name, value.value if isinstance(value, CheckinStatus) else value)
        await self._session.flush()

    async def for_patient(
        self,
        patient_id: str,
        *,
        since: datetime | None = None,
        statuses: Collection[CheckinStatus] | None = None,
        limit: int | None = None,
    ) -> list[Checkin]:
        query = select(CheckinRow).where(CheckinRow.patient_id == patient_id)
        if since is not None:
            query = query.where(CheckinRow.due_at >= since)
        if statuses is not None:
            query = query.where(CheckinRow.status.in_([s.value for s in statuses]))
        query = query.order_by(CheckinRow.due_at.desc())
        if limit is not None:
            query = query.limit(limit)
        rows = list(await self._session.scalars(query))
        rows.reverse()
        return [_checkin(r) for r in rows]

    async def record_answer(
        self, checkin: Checkin, question_id: str, position: int, value: Any, now: datetime
    ) -> Answer:
        """Store (or replace) the answer to one question."""
        existing = await self._session.scalar(
            select(CheckinAnswerRow).where(
                CheckinAnswerRow.checkin_id == checkin.id,
                CheckinAnswerRow.question_id == question_id,
            )
        )
        row = existing or CheckinAnswerRow(
            id=new_id(),
            checkin_id=checkin.id,
            patient_id=checkin.patient_id,
            question_id=question_id,
        )
        row.position = position
        row.answered_at = now
        row.value_enc = await self._vault.seal_json(
            "checkin_answers", "value", row.id, checkin.patient_id, {"v": value}
        )
        if existing is None:
            self._session.add(row)
        await self._session.flush()
        return Answer(question_id, position, value, now)

    async def answers(self, checkin: Checkin) -> list[Answer]:
        rows = await self._session.scalars(
            select(CheckinAnswerRow)
            .where(CheckinAnswerRow.checkin_id == checkin.id)
            .order_by(CheckinAnswerRow.position)
        )
        out = []
        for row in rows:
            value = await self._vault.open_json(
                "checkin_answers", "value", row.id, checkin.patient_id, row.value_enc
            )
            out.append(Answer(row.question_id, row.position, value["v"], row.answered_at))
        return out
