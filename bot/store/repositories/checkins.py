"""Check-in occurrences and their answers (answers encrypted per patient)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.ids import new_id
from bot.domain.model import Answer, Checkin, CheckinStatus
from bot.store.repositories.patients import not_erased
from bot.store.tables import Base, CheckinAnswerRow, CheckinRow
from bot.store.vault import Vault

CHECKINS = Base.metadata.tables["checkins"]


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
        question_ref=row.question_ref,
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
    "question_ref",
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

    async def add_many(self, checkins: list[Checkin]) -> set[str]:
        """Insert many; an occurrence that exists (same schedule and due time) is skipped.

        Returns the ids actually inserted, so a double tick never doubles a check-in.
        """
        if not checkins:
            return set()
        values = [
            {
                "id": c.id,
                "patient_id": c.patient_id,
                "schedule_id": c.schedule_id,
                "due_at": c.due_at,
                "origin": c.origin,
                "status": c.status.value,
                "plan_version": c.plan_version,
                "cursor": c.cursor,
                "created_at": c.created_at,
                "expires_at": c.expires_at,
                "completed_at": c.completed_at,
            }
            for c in checkins
        ]
        insert = (
            pg_insert if self._session.get_bind().dialect.name == "postgresql" else (sqlite_insert)
        )
        # one statement, rows as parameters: compiled once, sent in batches (insertmanyvalues)
        statement = (
            insert(CHECKINS)
            .on_conflict_do_nothing(index_elements=["schedule_id", "due_at"])
            .returning(CHECKINS.c.id)
        )
        return set((await self._session.execute(statement, values)).scalars())

    async def mark_sent(self, checkin_ids: list[str], now: datetime) -> None:
        """Their first message went out (only the first time counts)."""
        for start in range(0, len(checkin_ids), 1000):
            await self._session.execute(
                update(CheckinRow)
                .where(
                    CheckinRow.id.in_(checkin_ids[start : start + 1000]),
                    CheckinRow.sent_at.is_(None),
                )
                .values(sent_at=now)
            )

    async def needing_reminder(self, sent_before: datetime, limit: int = 500) -> list[Checkin]:
        """Delivered before ``sent_before``, not answered at all, not reminded yet.

        That is the invitation delivered (``sent_at``) and Start not pressed (pending), or
        the first question shown and not answered (sent); one answer makes it in progress.
        """
        rows = await self._session.scalars(
            select(CheckinRow)
            .where(
                CheckinRow.status.in_([CheckinStatus.PENDING.value, CheckinStatus.SENT.value]),
                CheckinRow.reminded_at.is_(None),
                CheckinRow.sent_at <= sent_before,
                not_erased(CheckinRow.patient_id),
            )
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_checkin(r) for r in rows]

    async def expired(self, now: datetime, limit: int = 500) -> list[Checkin]:
        rows = await self._session.scalars(
            select(CheckinRow)
            .where(
                CheckinRow.status.in_([s.value for s in CheckinStatus if s.open]),
                CheckinRow.expires_at <= now,
                not_erased(CheckinRow.patient_id),
            )
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_checkin(r) for r in rows]

    async def recent_statuses(self, patient_id: str, count: int) -> list[CheckinStatus]:
        """Statuses of the newest closed check-ins the patient could answer, newest first.

        A missed check-in whose invitation never reached the patient (no ``sent_at``: the
        bot was down when it was due, or delivery failed) is left out: it is not the
        patient's miss, and it neither counts towards nor breaks a run of misses.
        """
        unanswered = [CheckinStatus.MISSED.value, CheckinStatus.EXPIRED.value]
        rows = await self._session.scalars(
            select(CheckinRow.status)
            .where(
                CheckinRow.patient_id == patient_id,
                CheckinRow.status.notin_([s.value for s in CheckinStatus if s.open]),
                CheckinRow.status != CheckinStatus.CANCELLED.value,
                or_(CheckinRow.status.notin_(unanswered), CheckinRow.sent_at.is_not(None)),
            )
            .order_by(CheckinRow.due_at.desc())
            .limit(count)
        )
        return [CheckinStatus(s) for s in rows]

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

    async def selection(self, checkin: Checkin) -> list[str]:
        """The options picked so far in a multi-select question."""
        row = await self._session.get(CheckinRow, checkin.id)
        if row is None or row.selection_enc is None:
            return []
        value = await self._vault.open_json(
            "checkins", "selection", row.id, row.patient_id, row.selection_enc
        )
        return [str(v) for v in value or []]

    async def set_selection(self, checkin: Checkin, selected: list[str] | None) -> None:
        row = await self._session.get(CheckinRow, checkin.id)
        if row is None:
            raise LookupError(checkin.id)
        row.selection_enc = (
            None
            if selected is None
            else await self._vault.seal_json(
                "checkins", "selection", row.id, row.patient_id, selected
            )
        )
        await self._session.flush()

    async def open_for_patient(self, patient_id: str) -> Checkin | None:
        """The newest check-in still waiting for answers, if any, locked for this transaction.

        Locked (PostgreSQL; SQLite has one writer anyway) so an expiry tick closing it at the
        same moment waits, and the answer then sees it closed instead of reopening it.
        """
        row = await self._session.scalar(
            select(CheckinRow)
            .where(
                CheckinRow.patient_id == patient_id,
                CheckinRow.status.in_([s.value for s in CheckinStatus if s.open]),
            )
            .order_by(CheckinRow.due_at.desc())
            .limit(1)
            .with_for_update()
            .execution_options(populate_existing=True)  # what the lock saw, not a cached row
        )
        return None if row is None else _checkin(row)

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

    async def answers_for_patient(
        self, patient_id: str, since: datetime | None = None
    ) -> dict[str, list[Answer]]:
        """All answers of a patient by check-in id (reports, exports, trends)."""
        query = select(CheckinAnswerRow).where(CheckinAnswerRow.patient_id == patient_id)
        if since is not None:
            query = query.where(CheckinAnswerRow.answered_at >= since)
        out: dict[str, list[Answer]] = {}
        for row in await self._session.scalars(query.order_by(CheckinAnswerRow.position)):
            value = await self._vault.open_json(
                "checkin_answers", "value", row.id, patient_id, row.value_enc
            )
            out.setdefault(row.checkin_id, []).append(
                Answer(row.question_id, row.position, value["v"], row.answered_at)
            )
        return out

    async def set_risk(self, checkin: Checkin, level: str | None, reasons: list[str]) -> None:
        row = await self._session.get(CheckinRow, checkin.id)
        if row is None:
            raise LookupError(checkin.id)
        row.risk_level = level
        row.risk_enc = await self._vault.seal_json(
            "checkins", "risk", row.id, row.patient_id, reasons
        )
        await self._session.flush()

    async def risk_reasons_for_patient(
        self, patient_id: str, since: datetime | None = None
    ) -> dict[str, list[str]]:
        """Risk reasons of every check-in of a patient, by check-in id, in one query."""
        query = select(CheckinRow.id, CheckinRow.risk_enc).where(
            CheckinRow.patient_id == patient_id, CheckinRow.risk_enc.is_not(None)
        )
        if since is not None:
            query = query.where(CheckinRow.due_at >= since)
        out: dict[str, list[str]] = {}
        for checkin_id, blob in await self._session.execute(query):
            value = await self._vault.open_json("checkins", "risk", checkin_id, patient_id, blob)
            out[checkin_id] = [str(v) for v in value or []]
        return out

    async def risk_reasons(self, checkin: Checkin) -> list[str]:
        row = await self._session.get(CheckinRow, checkin.id)
        if row is None or row.risk_enc is None:
            return []
        value = await self._vault.open_json(
            "checkins", "risk", row.id, row.patient_id, row.risk_enc
        )
        return [str(v) for v in value or []]
