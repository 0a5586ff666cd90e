"""Single-use invite codes, stored only as blind indexes, and attempt counting."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.model import EnrolmentCode
from bot.store.tables import EnrolmentAttemptRow, EnrolmentCodeRow
from bot.store.vault import Vault

CODE_PURPOSE = "invite-code"
ATTEMPT_PURPOSE = "enrol-attempt-chat"


def _code(row: EnrolmentCodeRow) -> EnrolmentCode:
    return EnrolmentCode(
        id=row.id,
        purpose=row.purpose,
        created_at=row.created_at,
        expires_at=row.expires_at,
        patient_id=row.patient_id,
        staff_id=row.staff_id,
        supporter_id=row.supporter_id,
        created_by=row.created_by,
        used_at=row.used_at,
        revoked_at=row.revoked_at,
    )


class EnrolmentRepository:
    def __init__(self, session: AsyncSession, vault: Vault) -> None:
        self._session = session
        self._vault = vault

    async def add(self, code: EnrolmentCode, secret: str) -> None:
        self._session.add(
            EnrolmentCodeRow(
                id=code.id,
                code_index=self._vault.index(CODE_PURPOSE, secret, exact=True),
                purpose=code.purpose,
                patient_id=code.patient_id,
                staff_id=code.staff_id,
                supporter_id=code.supporter_id,
                created_by=code.created_by,
                created_at=code.created_at,
                expires_at=code.expires_at,
            )
        )
        await self._session.flush()

    async def find(self, secret: str) -> EnrolmentCode | None:
        row = await self._session.scalar(
            select(EnrolmentCodeRow).where(
                EnrolmentCodeRow.code_index == self._vault.index(CODE_PURPOSE, secret, exact=True)
            )
        )
        return None if row is None else _code(row)

    async def mark_used(self, code_id: str, now: datetime) -> bool:
        """Use a code once; False if someone else used it first."""
        result = await self._session.execute(
            update(EnrolmentCodeRow)
            .where(EnrolmentCodeRow.id == code_id, EnrolmentCodeRow.used_at.is_(None))
            .values(used_at=now)
        )
        return bool(getattr(result, "rowcount", 0))

    async def revoke_open(
        self,
        *,
        patient_id: str | None = None,
        staff_id: str | None = None,
        supporter_id: str | None = None,
        now: datetime,
    ) -> int:
        """Revoke unused codes of one person (a new invite replaces the old one)."""
        query = update(EnrolmentCodeRow).where(
            EnrolmentCodeRow.used_at.is_(None), EnrolmentCodeRow.revoked_at.is_(None)
        )
        if patient_id is not None:
            query = query.where(EnrolmentCodeRow.patient_id == patient_id)
        if staff_id is not None:
            query = query.where(EnrolmentCodeRow.staff_id == staff_id)
        if supporter_id is not None:
            query = query.where(EnrolmentCodeRow.supporter_id == supporter_id)
        result = await self._session.execute(query.values(revoked_at=now))
        return int(getattr(result, "rowcount", 0) or 0)

    async def record_attempt(self, chat_id: int, succeeded: bool, now: datetime) -> None:
        self._session.add(
            EnrolmentAttemptRow(
                chat_index=self._vault.index(ATTEMPT_PURPOSE, chat_id),
                succeeded=succeeded,
                at=now,
            )
        )
        await self._session.flush()

    async def failed_attempts_since(self, chat_id: int, since: datetime) -> int:
        count = await self._session.scalar(
            select(func.count())
            .select_from(EnrolmentAttemptRow)
            .where(
                EnrolmentAttemptRow.chat_index == self._vault.index(ATTEMPT_PURPOSE, chat_id),
                EnrolmentAttemptRow.succeeded.is_(False),
                EnrolmentAttemptRow.at >= since,
            )
        )
        return int(count or 0)
