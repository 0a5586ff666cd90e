"""Supporters: names and chat ids encrypted under the patient's data key (so erasing the
patient erases them too); consent is checked at send time through ``chat_if_consented``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.model import Supporter, SupporterStatus
from bot.store.crypto import DataKeyDestroyed
from bot.store.repositories.consents import ConsentRepository
from bot.store.repositories.patients import not_erased
from bot.store.tables import SupporterRow
from bot.store.vault import Vault

CHAT_PURPOSE = "supporter-chat"
TABLE = "supporters"
LIVE = not_erased(SupporterRow.patient_id)  # an erased patient's supporters are gone


class SupporterRepository:
    def __init__(self, session: AsyncSession, vault: Vault, consents: ConsentRepository) -> None:
        self._session = session
        self._vault = vault
        self._consents = consents

    async def _domain(self, row: SupporterRow) -> Supporter:
        pid = row.patient_id
        chat = await self._vault.open_text(TABLE, "chat_id", row.id, pid, row.chat_id_enc)
        return Supporter(
            id=row.id,
            patient_id=pid,
            name=await self._vault.open_text(TABLE, "name", row.id, pid, row.name_enc) or "",
            status=SupporterStatus(row.status),
            created_at=row.created_at,
            updated_at=row.updated_at,
            alias=await self._vault.open_text(TABLE, "alias", row.id, pid, row.alias_enc) or "",
            chat_id=None if chat is None else int(chat),
            telegram_name=await self._vault.open_text(
                TABLE, "telegram_name", row.id, pid, row.telegram_name_enc
            )
            or "",
            draft_scopes=frozenset(s for s in row.draft_scopes.split(",") if s),
            last_summary_at=row.last_summary_at,
        )

    async def save(self, supporter: Supporter) -> None:
        row = await self._session.get(SupporterRow, supporter.id)
        if row is None:
            row = SupporterRow(
                id=supporter.id, patient_id=supporter.patient_id, created_at=supporter.created_at
            )
            self._session.add(row)
        pid, sid = supporter.patient_id, supporter.id
        row.name_enc = await self._vault.seal(TABLE, "name", sid, pid, supporter.name)
        row.alias_enc = await self._vault.seal(TABLE, "alias", sid, pid, supporter.alias)
        row.telegram_name_enc = await self._vault.seal(
            TABLE, "telegram_name", sid, pid, supporter.telegram_name
        )
        if supporter.chat_id is None:
            row.chat_index, row.chat_id_enc = None, None
        else:
            row.chat_index = self._vault.index(CHAT_PURPOSE, supporter.chat_id)
            row.chat_id_enc = await self._vault.seal(
                TABLE, "chat_id", sid, pid, str(supporter.chat_id)
            )
        row.status = supporter.status.value
        row.draft_scopes = ",".join(sorted(supporter.draft_scopes))
        row.last_summary_at = supporter.last_summary_at
        row.updated_at = supporter.updated_at
        await self._session.flush()

    async def _readable(self, rows: Iterable[SupporterRow]) -> list[Supporter]:
        found = []
        for row in rows:
            try:
                found.append(await self._domain(row))
            except DataKeyDestroyed:  # the patient was erased: this link is gone too
                continue
        return found

    async def get(self, supporter_id: str) -> Supporter | None:
        rows = await self._session.scalars(
            select(SupporterRow).where(SupporterRow.id == supporter_id, LIVE)
        )
        found = await self._readable(rows)
        return found[0] if found else None

    async def for_patient(self, patient_id: str) -> list[Supporter]:
        rows = await self._session.scalars(
            select(SupporterRow)
            .where(SupporterRow.patient_id == patient_id, LIVE)
            .order_by(SupporterRow.created_at)
        )
        return await self._readable(rows)

    async def by_chat(self, chat_id: int) -> list[Supporter]:
        """Every supporter record linked to this chat (one person may support several)."""
        rows = await self._session.scalars(
            select(SupporterRow).where(
                SupporterRow.chat_index == self._vault.index(CHAT_PURPOSE, chat_id), LIVE
            )
        )
        return await self._readable(rows)

    async def with_status(self, status: SupporterStatus) -> list[Supporter]:
        rows = list(
            await self._session.scalars(
                select(SupporterRow).where(SupporterRow.status == status.value, LIVE)
            )
        )
        await self._vault.preload(r.patient_id for r in rows)
        return await self._readable(rows)

    async def chat_if_consented(
        self, supporter_id: str, scope: str | None, now: datetime
    ) -> tuple[int | None, str]:
        """The chat to send to, only while the supporter is active and consent covers ``scope``."""
        supporter = await self.get(supporter_id)
        if supporter is None or supporter.status is not SupporterStatus.ACTIVE:
            return None, "supporter not active"
        if supporter.chat_id is None:
            return None, "supporter has no chat"
        if scope is not None:
            consents = await self._consents.for_patient(
                supporter.patient_id, supporter_id=supporter.id
            )
            if not any(c.active(now) and scope in c.scopes for c in consents):
                return None, "no active consent for this"
        return supporter.chat_id, ""

    async def mark_unreachable(self, supporter_id: str, now: datetime) -> None:
        row = await self._session.get(SupporterRow, supporter_id)
        if row is not None and row.status == SupporterStatus.ACTIVE.value:
            row.status = SupporterStatus.UNREACHABLE.value
            row.updated_at = now
