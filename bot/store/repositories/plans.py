"""Plan versions (YAML text, encrypted) and patient suggestions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.ids import new_id
from bot.domain.model import PlanSuggestion, PlanVersion
from bot.store.tables import PlanSuggestionRow, PlanVersionRow
from bot.store.vault import Vault


class PlanRepository:
    def __init__(self, session: AsyncSession, vault: Vault) -> None:
        self._session = session
        self._vault = vault

    async def _version(self, row: PlanVersionRow, *, with_text: bool = True) -> PlanVersion:
        text = ""
        if with_text:
            text = (
                await self._vault.open_text(
                    "plan_versions", "body", row.id, row.patient_id, row.body_enc
                )
                or ""
            )
        note = await self._vault.open_text(
            "plan_versions", "note", row.id, row.patient_id, row.note_enc
        )
        return PlanVersion(row.patient_id, row.version, text, row.created_at, row.author_id, note)

    async def add_version(
        self, patient_id: str, text: str, now: datetime, *, author_id: str | None, note: str | None
    ) -> PlanVersion:
        """Append the next version (versions are immutable; numbers start at 1)."""
        current = await self._session.scalar(
            select(func.max(PlanVersionRow.version)).where(PlanVersionRow.patient_id == patient_id)
        )
        row_id = new_id()
        row = PlanVersionRow(
            id=row_id,
            patient_id=patient_id,
            version=int(current or 0) + 1,
            body_enc=await self._vault.seal("plan_versions", "body", row_id, patient_id, text),
            note_enc=None
            if note is None
            else await self._vault.seal("plan_versions", "note", row_id, patient_id, note),
            author_id=author_id,
            created_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return PlanVersion(patient_id, row.version, text, now, author_id, note)

    async def latest(self, patient_id: str) -> PlanVersion | None:
        row = await self._session.scalar(
            select(PlanVersionRow)
            .where(PlanVersionRow.patient_id == patient_id)
            .order_by(PlanVersionRow.version.desc())
            .limit(1)
        )
        return None if row is None else await self._version(row)

    async def get(self, patient_id: str, version: int) -> PlanVersion | None:
        row = await self._session.scalar(
            select(PlanVersionRow).where(
                PlanVersionRow.patient_id == patient_id, PlanVersionRow.version == version
            )
        )
        return None if row is None else await self._version(row)

    async def history(self, patient_id: str, *, with_text: bool = False) -> list[PlanVersion]:
        """All versions, oldest first; the plan text only when asked for."""
        rows = await self._session.scalars(
            select(PlanVersionRow)
            .where(PlanVersionRow.patient_id == patient_id)
            .order_by(PlanVersionRow.version)
        )
        return [await self._version(r, with_text=with_text) for r in rows]

    # --- suggestions ----------------------------------------------------------------
    async def _suggestion(self, row: PlanSuggestionRow) -> PlanSuggestion:
        body = await self._vault.open_json(
            "plan_suggestions", "body", row.id, row.patient_id, row.body_enc
        )
        response = await self._vault.open_text(
            "plan_suggestions", "response", row.id, row.patient_id, row.response_enc
        )
        return PlanSuggestion(
            id=row.id,
            patient_id=row.patient_id,
            kind=row.kind,
            body=dict(body or {}),
            status=row.status,
            created_at=row.created_at,
            decided_by=row.decided_by,
            decided_at=row.decided_at,
            response=response,
            accepted_version=row.accepted_version,
        )

    async def add_suggestion(self, suggestion: PlanSuggestion) -> None:
        self._session.add(
            PlanSuggestionRow(
                id=suggestion.id,
                patient_id=suggestion.patient_id,
                kind=suggestion.kind,
                body_enc=await self._vault.seal_json(
                    "plan_suggestions",
                    "body",
                    suggestion.id,
                    suggestion.patient_id,
                    suggestion.body,
                ),
                status=suggestion.status,
                created_at=suggestion.created_at,
            )
        )
        await self._session.flush()

    async def suggestions(
        self, patient_id: str, *, status: str | None = "pending"
    ) -> list[PlanSuggestion]:
        query = select(PlanSuggestionRow).where(PlanSuggestionRow.patient_id == patient_id)
        if status is not None:
            query = query.where(PlanSuggestionRow.status == status)
        rows = await self._session.scalars(query.order_by(PlanSuggestionRow.created_at))
        return [await self._suggestion(r) for r in rows]

    async def get_suggestion(self, suggestion_id: str) -> PlanSuggestion | None:
        row = await self._session.get(PlanSuggestionRow, suggestion_id)
        return None if row is None else await self._suggestion(row)

    async def decide_suggestion(
        self,
        suggestion: PlanSuggestion,
        *,
        status: str,
        staff_id: str,
        now: datetime,
        response: str | None,
        accepted_version: int | None,
    ) -> None:
        row = await self._session.get(PlanSuggestionRow, suggestion.id)
        if row is None:
            raise LookupError(suggestion.id)
        row.status = status
        row.decided_by = staff_id
        row.decided_at = now
        row.accepted_version = accepted_version
        row.response_enc = (
            None
            if response is None
            else await self._vault.seal(
                "plan_suggestions", "response", row.id, row.patient_id, response
            )
        )
        await self._session.flush()
