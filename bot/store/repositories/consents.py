"""Consent records: append-only; ending one is the only change allowed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.model import Consent
from bot.store.tables import ConsentRow


def _consent(row: ConsentRow) -> Consent:
    return Consent(
        id=row.id,
        patient_id=row.patient_id,
        kind=row.kind,
        scopes=frozenset(s for s in row.scopes.split(",") if s),
        purpose=row.purpose,
        text_version=row.text_version,
        granted_at=row.granted_at,
        supporter_id=row.supporter_id,
        expires_at=row.expires_at,
        ended_at=row.ended_at,
        end_reason=row.end_reason,
    )


class ConsentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, consent: Consent) -> None:
        self._session.add(
            ConsentRow(
                id=consent.id,
                patient_id=consent.patient_id,
                supporter_id=consent.supporter_id,
                kind=consent.kind,
                scopes=",".join(sorted(consent.scopes)),
                purpose=consent.purpose,
                text_version=consent.text_version,
                granted_at=consent.granted_at,
                expires_at=consent.expires_at,
                ended_at=consent.ended_at,
                end_reason=consent.end_reason,
            )
        )
        await self._session.flush()

    async def end(self, consent_id: str, now: datetime, reason: str) -> None:
        row = await self._session.get(ConsentRow, consent_id)
        if row is not None and row.ended_at is None:
            row.ended_at = now
            row.end_reason = reason
            await self._session.flush()

    async def for_patient(
        self, patient_id: str, *, kind: str | None = None, supporter_id: str | None = None
    ) -> list[Consent]:
        query = select(ConsentRow).where(ConsentRow.patient_id == patient_id)
        if kind is not None:
            query = query.where(ConsentRow.kind == kind)
        if supporter_id is not None:
            query = query.where(ConsentRow.supporter_id == supporter_id)
        rows = await self._session.scalars(query.order_by(ConsentRow.granted_at))
        return [_consent(r) for r in rows]
