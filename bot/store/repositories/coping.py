"""Coping sessions: urge surfing and strategies tried, with their ratings (encrypted)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.model import CopingSession
from bot.store.crypto import DataKeyDestroyed
from bot.store.repositories.patients import not_erased
from bot.store.tables import CopingSessionRow
from bot.store.vault import Vault


class CopingRepository:
    def __init__(self, session: AsyncSession, vault: Vault) -> None:
        self._session = session
        self._vault = vault

    async def _domain(self, row: CopingSessionRow) -> CopingSession:
        detail = (
            await self._vault.open_json(
                "coping_sessions", "detail", row.id, row.patient_id, row.detail_enc
            )
            or {}
        )
        return CopingSession(
            id=row.id,
            patient_id=row.patient_id,
            kind=row.kind,
            status=row.status,
            started_at=row.started_at,
            strategy=str(detail.get("strategy", "urge_surfing")),
            before=detail.get("before"),
            after=detail.get("after"),
            helped=detail.get("helped"),
            step=row.step,
            next_prompt_at=row.next_prompt_at,
            finished_at=row.finished_at,
        )

    async def save(self, session: CopingSession) -> None:
        row = await self._session.get(CopingSessionRow, session.id)
        if row is None:
            row = CopingSessionRow(
                id=session.id,
                patient_id=session.patient_id,
                kind=session.kind,
                started_at=session.started_at,
            )
            self._session.add(row)
        row.status = session.status
        row.step = session.step
        row.next_prompt_at = session.next_prompt_at
        row.finished_at = session.finished_at
        row.detail_enc = await self._vault.seal_json(
            "coping_sessions",
            "detail",
            session.id,
            session.patient_id,
            {
                "strategy": session.strategy,
                "before": session.before,
                "after": session.after,
                "helped": session.helped,
            },
        )
        await self._session.flush()

    async def get(self, session_id: str, *, lock: bool = False) -> CopingSession | None:
        query = select(CopingSessionRow).where(CopingSessionRow.id == session_id)
        if lock:
            query = query.with_for_update()
        row = await self._session.scalar(query)
        return None if row is None else await self._domain(row)

    async def due(self, now: datetime, limit: int = 200) -> list[CopingSession]:
        rows = await self._session.scalars(
            select(CopingSessionRow)
            .where(
                CopingSessionRow.status == "running",
                CopingSessionRow.next_prompt_at <= now,
                not_erased(CopingSessionRow.patient_id),
            )
            .order_by(CopingSessionRow.next_prompt_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        due = []
        for row in rows:
            try:
                due.append(await self._domain(row))
            except DataKeyDestroyed:  # erased meanwhile (another transaction)
                continue
        return due

    async def for_patient(
        self, patient_id: str, since: datetime | None = None
    ) -> list[CopingSession]:
        query = select(CopingSessionRow).where(CopingSessionRow.patient_id == patient_id)
        if since is not None:
            query = query.where(CopingSessionRow.started_at >= since)
        rows = await self._session.scalars(query.order_by(CopingSessionRow.started_at))
        return [await self._domain(r) for r in rows]
