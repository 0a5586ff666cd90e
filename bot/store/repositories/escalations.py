"""Escalations and their timelines (reasons and details encrypted per patient)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.model import Escalation, EscalationEvent, EscalationStatus, Level
from bot.store.crypto import DataKeyDestroyed
from bot.store.repositories.patients import not_erased
from bot.store.tables import EscalationEventRow, EscalationRow
from bot.store.vault import Vault

LIVE = not_erased(EscalationRow.patient_id)  # an erased patient's escalations are not listed


class EscalationRepository:
    def __init__(self, session: AsyncSession, vault: Vault) -> None:
        self._session = session
        self._vault = vault

    async def _escalation(self, row: EscalationRow) -> Escalation:
        reasons = await self._vault.open_json(
            "escalations", "reasons", row.id, row.patient_id, row.reasons_enc
        )
        resolution = await self._vault.open_text(
            "escalations", "resolution", row.id, row.patient_id, row.resolution_enc
        )
        return Escalation(
            id=row.id,
            number=row.number,
            patient_id=row.patient_id,
            rule=row.rule,
            level=Level(row.level),
            status=EscalationStatus(row.status),
            reasons=tuple(reasons or ()),
            created_at=row.created_at,
            updated_at=row.updated_at,
            acknowledged_by=row.acknowledged_by,
            acknowledged_at=row.acknowledged_at,
            resolved_by=row.resolved_by,
            resolved_at=row.resolved_at,
            resolution=resolution,
            notify_step=row.notify_step,
            next_notify_at=row.next_notify_at,
        )

    async def _many(self, rows: list[EscalationRow]) -> list[Escalation]:
        """Decoded, skipping any whose patient was erased meanwhile (another transaction)."""
        await self._vault.preload(r.patient_id for r in rows)
        out = []
        for row in rows:
            try:
                out.append(await self._escalation(row))
            except DataKeyDestroyed:
                continue
        return out

    async def _fill(self, row: EscalationRow, escalation: Escalation) -> None:
        row.rule = escalation.rule
        row.level = escalation.level.value
        row.status = escalation.status.value
        row.reasons_enc = await self._vault.seal_json(
            "escalations", "reasons", row.id, row.patient_id, list(escalation.reasons)
        )
        row.updated_at = escalation.updated_at
        row.acknowledged_by = escalation.acknowledged_by
        row.acknowledged_at = escalation.acknowledged_at
        row.resolved_by = escalation.resolved_by
        row.resolved_at = escalation.resolved_at
        row.resolution_enc = (
            None
            if escalation.resolution is None
            else await self._vault.seal(
                "escalations", "resolution", row.id, row.patient_id, escalation.resolution
            )
        )
        row.notify_step = escalation.notify_step
        row.next_notify_at = escalation.next_notify_at

    async def add(self, escalation: Escalation) -> None:
        row = EscalationRow(
            id=escalation.id,
            number=escalation.number,
            patient_id=escalation.patient_id,
            created_at=escalation.created_at,
        )
        await self._fill(row, escalation)
        self._session.add(row)
        await self._session.flush()

    async def update(self, escalation: Escalation) -> None:
        row = await self._session.get(EscalationRow, escalation.id)
        if row is None:
            raise LookupError(escalation.id)
        await self._fill(row, escalation)
        await self._session.flush()

    async def get(self, escalation_id: str, *, lock: bool = False) -> Escalation | None:
        query = select(EscalationRow).where(EscalationRow.id == escalation_id, LIVE)
        if lock:
            query = query.with_for_update()
        row = await self._session.scalar(query)
        return None if row is None else await self._escalation(row)

    async def by_number(self, number: int, *, lock: bool = False) -> Escalation | None:
        query = select(EscalationRow).where(EscalationRow.number == number, LIVE)
        if lock:
            query = query.with_for_update()
        row = await self._session.scalar(query)
        return None if row is None else await self._escalation(row)

    async def open_for_rule(self, patient_id: str, rule: str, since: datetime) -> Escalation | None:
        """The newest unresolved escalation of this rule raised since ``since``."""
        row = await self._session.scalar(
            select(EscalationRow)
            .where(
                EscalationRow.patient_id == patient_id,
                EscalationRow.rule == rule,
                EscalationRow.status != EscalationStatus.RESOLVED.value,
                EscalationRow.created_at >= since,
            )
            .order_by(EscalationRow.created_at.desc())
            .limit(1)
            .with_for_update()
        )
        return None if row is None else await self._escalation(row)

    async def find(
        self,
        *,
        patient_ids: Collection[str] | None = None,
        statuses: Collection[EscalationStatus] | None = None,
        limit: int = 200,
        since: datetime | None = None,
    ) -> list[Escalation]:
        query = (
            select(EscalationRow).where(LIVE).order_by(EscalationRow.created_at.desc()).limit(limit)
        )
        if since is not None:
            query = query.where(EscalationRow.created_at >= since)
        if patient_ids is not None:
            query = query.where(EscalationRow.patient_id.in_(list(patient_ids)))
        if statuses is not None:
            query = query.where(EscalationRow.status.in_([s.value for s in statuses]))
        return await self._many(list(await self._session.scalars(query)))

    async def due_for_notification(self, now: datetime, limit: int = 100) -> list[Escalation]:
        rows = list(
            await self._session.scalars(
                select(EscalationRow)
                .where(
                    EscalationRow.status == EscalationStatus.OPEN.value,
                    EscalationRow.next_notify_at <= now,
                    LIVE,
                )
                .order_by(EscalationRow.next_notify_at)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        return await self._many(rows)

    async def add_event(self, event: EscalationEvent) -> None:
        last = await self._session.scalar(
            select(func.max(EscalationEventRow.position)).where(
                EscalationEventRow.escalation_id == event.escalation_id
            )
        )
        self._session.add(
            EscalationEventRow(
                id=event.id,
                escalation_id=event.escalation_id,
                patient_id=event.patient_id,
                position=int(last or 0) + 1,
                kind=event.kind,
                staff_id=event.staff_id,
                channel=event.channel,
                detail_enc=None
                if event.detail is None
                else await self._vault.seal(
                    "escalation_events", "detail", event.id, event.patient_id, event.detail
                ),
                created_at=event.created_at,
            )
        )
        await self._session.flush()

    async def events(self, escalation: Escalation) -> list[EscalationEvent]:
        rows = await self._session.scalars(
            select(EscalationEventRow)
            .where(EscalationEventRow.escalation_id == escalation.id)
            .order_by(EscalationEventRow.position)
        )
        out = []
        for row in rows:
            detail = await self._vault.open_text(
                "escalation_events", "detail", row.id, row.patient_id, row.detail_enc
            )
            out.append(
                EscalationEvent(
                    id=row.id,
                    escalation_id=row.escalation_id,
                    patient_id=row.patient_id,
                    kind=row.kind,
                    created_at=row.created_at,
                    staff_id=row.staff_id,
                    channel=row.channel,
                    detail=detail,
                )
            )
        return out
