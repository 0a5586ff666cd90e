"""The append-only, hash-chained audit log.

Appends serialise on the single ``audit_head`` row (locked by the UPDATE), so two
transactions can never fork the chain; the head also reveals a deleted last entry.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.audit import GENESIS, BrokenLink, ChainVerifier, entry_hash
from bot.domain.model import AuditEntry
from bot.store.tables import AuditHeadRow, AuditRow


def _entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        action=row.action,
        patient_ref=row.patient_ref,
        detail=row.detail,
        prev_hash=row.prev_hash,
        hash=row.hash,
        origin=row.origin,
    )


class AuditRepository:
    """``origin`` (the process's OS user and host, for the CLI) goes on every entry."""

    def __init__(self, session: AsyncSession, origin: str = "") -> None:
        self._session = session
        self._origin = origin[:128]

    async def _lock_head(self) -> AuditHeadRow:
        # A no-op UPDATE takes the row lock on PostgreSQL before we read the head.
        result = await self._session.execute(
            update(AuditHeadRow).where(AuditHeadRow.id == 1).values(seq=AuditHeadRow.seq)
        )
        if not getattr(result, "rowcount", 0):
            self._session.add(AuditHeadRow(id=1, seq=0, hash=GENESIS))
            await self._session.flush()
        head = await self._session.get(AuditHeadRow, 1, populate_existing=True)
        assert head is not None
        return head

    async def append(
        self,
        *,
        actor: str,
        action: str,
        at: datetime,
        patient_ref: str | None = None,
        detail: str = "",
    ) -> AuditEntry:
        head = await self._lock_head()
        seq = head.seq + 1
        at = at.astimezone(UTC)
        digest = entry_hash(head.hash, seq, at, actor, action, patient_ref, detail, self._origin)
        row = AuditRow(
            seq=seq,
            at=at,
            actor=actor,
            action=action,
            patient_ref=patient_ref,
            detail=detail,
            origin=self._origin,
            prev_hash=head.hash,
            hash=digest,
        )
        self._session.add(row)
        head.seq, head.hash = seq, digest
        await self._session.flush()
        return _entry(row)

    async def entries(
        self,
        *,
        patient_ref: str | None = None,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[AuditEntry]:
        query = select(AuditRow).order_by(AuditRow.seq)
        if patient_ref is not None:
            query = query.where(AuditRow.patient_ref == patient_ref)
        if since is not None:
            query = query.where(AuditRow.at >= since)
        if limit is not None:
            query = query.order_by(None).order_by(AuditRow.seq.desc()).limit(limit)
            rows = list(await self._session.scalars(query))
            rows.reverse()
            return [_entry(r) for r in rows]
        return [_entry(r) for r in await self._session.scalars(query)]

    async def _stream(self, batch: int = 2000) -> AsyncIterator[AuditEntry]:
        last = 0
        while True:
            rows = list(
                await self._session.scalars(
                    select(AuditRow).where(AuditRow.seq > last).order_by(AuditRow.seq).limit(batch)
                )
            )
            for row in rows:
                yield _entry(row)
            if len(rows) < batch:
                return
            last = rows[-1].seq

    async def verify(self) -> tuple[int, BrokenLink | None]:
        """Check the whole chain; return (entries checked, first broken link or None)."""
        verifier = ChainVerifier()
        async for entry in self._stream():
            broken = verifier.feed(entry)
            if broken is not None:
                return verifier.checked, broken
        head = await self._session.get(AuditHeadRow, 1)
        last_seq = verifier.expected_seq - 1
        if head is not None and head.seq > last_seq:
            return verifier.checked, BrokenLink(
                last_seq + 1, f"entries {last_seq + 1} to {head.seq} are missing from the end"
            )
        if head is not None and (head.seq != last_seq or head.hash != verifier.prev_hash):
            return verifier.checked, BrokenLink(
                last_seq, f"the chain head does not match entry {last_seq}"
            )
        return verifier.checked, None
