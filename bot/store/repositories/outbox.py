"""The transactional outbox: what to send, written in the same transaction as its cause.

A payload is encrypted under the recipient patient's data key (the system key for staff
and bare chats). ``b""`` marks a payload dropped by erasure or retention: such a row
still tells its status, but has nothing left to send or to edit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.model import DeliveryStatus, EscalationStatus, OutboundMessage
from bot.store.crypto import DataKeyDestroyed
from bot.store.repositories.chat_index import PATIENT_CHAT
from bot.store.tables import Base, EscalationRow, OutboxRow
from bot.store.vault import Vault

OUTBOX = Base.metadata.tables["outbox"]
DROPPED = b""
FINISHED = (DeliveryStatus.SENT.value, DeliveryStatus.FAILED.value, DeliveryStatus.CANCELLED.value)
UNFINISHED = (DeliveryStatus.PENDING.value, DeliveryStatus.SENDING.value)


def dialect_insert(session: AsyncSession) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


async def drop_finished_payloads(session: AsyncSession, before: datetime) -> int:
    """Retention: blank the payloads of sent, failed and cancelled rows created before ``before``.

    Alerts of an escalation not resolved yet keep theirs: acknowledging or resolving it
    edits the alert message, which needs its text.
    """
    unresolved = select(EscalationRow.id).where(
        EscalationRow.status != EscalationStatus.RESOLVED.value
    )
    result = await session.execute(
        update(OutboxRow)
        .where(
            OutboxRow.status.in_(FINISHED),
            OutboxRow.created_at < before,
            OutboxRow.payload_enc != DROPPED,
            or_(
                OutboxRow.ref_kind.is_(None),
                OutboxRow.ref_kind != "escalation",
                OutboxRow.ref_id.not_in(unresolved),
            ),
        )
        .values(payload_enc=DROPPED)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _message(row: OutboxRow, payload: dict[str, Any]) -> OutboundMessage:
    return OutboundMessage(
        id=row.id,
        idempotency_key=row.idempotency_key,
        recipient_kind=row.recipient_kind,
        recipient_id=row.recipient_id,
        method=row.method,
        payload=payload,
        purpose=row.purpose,
        created_at=row.created_at,
        priority=row.priority,
        patient_id=row.patient_id,
        consent_scope=row.consent_scope,
        ref_kind=row.ref_kind,
        ref_id=row.ref_id,
        status=DeliveryStatus(row.status),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        telegram_message_id=row.telegram_message_id,
        sent_at=row.sent_at,
    )


class OutboxRepository:
    def __init__(self, session: AsyncSession, vault: Vault) -> None:
        self._session = session
        self._vault = vault

    def _chat_index(self, message: OutboundMessage) -> str | None:
        """A message to a bare chat (not yet a known person) is findable by its chat."""
        chat = message.payload.get("chat_id") if message.recipient_kind == "chat" else None
        if not isinstance(chat, int) or isinstance(chat, bool):
            return None
        return self._vault.index(PATIENT_CHAT, chat)

    async def enqueue(self, message: OutboundMessage) -> bool:
        """Write a message once per idempotency key; False if the key already exists."""
        sealed = await self._vault.seal_json(
            "outbox", "payload", message.id, message.patient_id, message.payload
        )
        statement = (
            dialect_insert(self._session)(OutboxRow)
            .values(
                id=message.id,
                idempotency_key=message.idempotency_key,
                patient_id=message.patient_id,
                recipient_kind=message.recipient_kind,
                recipient_id=message.recipient_id,
                priority=message.priority,
                purpose=message.purpose,
                consent_scope=message.consent_scope,
                method=message.method,
                payload_enc=sealed,
                chat_index=self._chat_index(message),
                status=DeliveryStatus.PENDING.value,
                attempts=0,
                next_attempt_at=message.next_attempt_at or message.created_at,
                ref_kind=message.ref_kind,
                ref_id=message.ref_id,
                created_at=message.created_at,
            )
            .on_conflict_do_nothing(index_elements=["idempotency_key"])
        )
        result = await self._session.execute(statement)
        return bool(getattr(result, "rowcount", 0))

    async def enqueue_many(self, messages: list[OutboundMessage]) -> None:
        """Bulk enqueue (scheduler ticks); rows whose key exists are skipped."""
        if not messages:
            return
        await self._vault.preload(m.patient_id for m in messages if m.patient_id)
        values = [
            {
                "id": m.id,
                "idempotency_key": m.idempotency_key,
                "patient_id": m.patient_id,
                "recipient_kind": m.recipient_kind,
                "recipient_id": m.recipient_id,
                "priority": m.priority,
                "purpose": m.purpose,
                "consent_scope": m.consent_scope,
                "method": m.method,
                "payload_enc": await self._vault.seal_json(
                    "outbox", "payload", m.id, m.patient_id, m.payload
                ),
                "chat_index": self._chat_index(m),
                "status": DeliveryStatus.PENDING.value,
                "attempts": 0,
                "next_attempt_at": m.next_attempt_at or m.created_at,
                "ref_kind": m.ref_kind,
                "ref_id": m.ref_id,
                "created_at": m.created_at,
            }
            for m in messages
        ]
        await self._session.execute(
            dialect_insert(self._session)(OUTBOX).on_conflict_do_nothing(
                index_elements=["idempotency_key"]
            ),
            values,
        )

    async def _payload(self, row: OutboxRow) -> dict[str, Any] | None:
        """The decrypted payload; None when dropped, or the patient was erased."""
        if row.payload_enc == DROPPED:
            return None
        try:
            payload: dict[str, Any] = await self._vault.open_json(
                "outbox", "payload", row.id, row.patient_id, row.payload_enc
            )
        except DataKeyDestroyed:
            return None
        return payload

    async def _decode(self, rows: list[OutboxRow]) -> list[OutboundMessage]:
        await self._vault.preload(r.patient_id for r in rows if r.patient_id)
        # a dropped or erased payload decodes as {}: the row's status is all that is left
        return [_message(row, await self._payload(row) or {}) for row in rows]

    async def claim(self, now: datetime, limit: int, lease: timedelta) -> list[OutboundMessage]:
        """Take ready rows (pending and due, or sending with an expired lease)."""
        ready = or_(
            and_(OutboxRow.status == "pending", OutboxRow.next_attempt_at <= now),
            and_(OutboxRow.status == "sending", OutboxRow.lease_until < now),
        )
        rows = list(
            await self._session.scalars(
                select(OutboxRow)
                .where(ready)
                .order_by(OutboxRow.priority, OutboxRow.created_at, OutboxRow.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        await self._vault.preload(r.patient_id for r in rows if r.patient_id)
        messages: list[OutboundMessage] = []
        for row in rows:
            payload = await self._payload(row)
            if payload is None:  # the patient was erased: this can never be sent
                row.status = DeliveryStatus.CANCELLED.value
                row.last_error = "patient erased"
                continue
            row.status = DeliveryStatus.SENDING.value
            row.lease_until = now + lease
            messages.append(_message(row, payload))
        await self._session.flush()
        return messages

    async def mark_sent(
        self, message_id: str, now: datetime, telegram_message_id: int | None
    ) -> None:
        """Record a delivery; a row cancelled, failed or sent meanwhile keeps its status."""
        await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message_id, OutboxRow.status.in_(UNFINISHED))
            .values(
                status=DeliveryStatus.SENT.value,
                sent_at=now,
                lease_until=None,
                attempts=OutboxRow.attempts + 1,
                telegram_message_id=telegram_message_id,
                last_error=None,
            )
        )

    async def mark_sent_many(self, sent: list[tuple[str, int | None]], now: datetime) -> None:
        """Mark many rows sent in one statement (the dispatcher flushes in batches)."""
        if not sent:
            return
        await self._session.execute(
            update(OUTBOX)
            .where(  # no IN here: an expanding parameter cannot go into an executemany
                OUTBOX.c.id == bindparam("b_id"),
                or_(*(OUTBOX.c.status == status for status in UNFINISHED)),
            )
            .values(
                status=DeliveryStatus.SENT.value,
                sent_at=now,
                lease_until=None,
                attempts=OUTBOX.c.attempts + 1,
                telegram_message_id=bindparam("b_telegram"),
                last_error=None,
            ),
            [{"b_id": mid, "b_telegram": tid} for mid, tid in sent],
        )

    async def mark_retry(
        self, message_id: str, at: datetime, error: str, *, count: bool = True
    ) -> None:
        values: dict[str, Any] = {
            "status": DeliveryStatus.PENDING.value,
            "next_attempt_at": at,
            "lease_until": None,
            "last_error": error[:200],
        }
        if count:
            values["attempts"] = OutboxRow.attempts + 1
        await self._session.execute(  # only a row being sent goes back to waiting
            update(OutboxRow)
            .where(OutboxRow.id == message_id, OutboxRow.status == DeliveryStatus.SENDING.value)
            .values(**values)
        )

    async def mark_final(self, message_id: str, status: DeliveryStatus, error: str | None) -> bool:
        """Fail or cancel a row not finished yet (a finished one is never resurrected)."""
        result = await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message_id, OutboxRow.status.in_(UNFINISHED))
            .values(
                status=status.value,
                lease_until=None,
                last_error=None if error is None else error[:200],
                attempts=OutboxRow.attempts + (1 if status is DeliveryStatus.FAILED else 0),
            )
        )
        return bool(getattr(result, "rowcount", 0))

    async def note_attempt(self, message_id: str, error: str, lease_until: datetime) -> None:
        """A failed attempt that will be retried by the same dispatcher (order kept)."""
        await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message_id, OutboxRow.status == DeliveryStatus.SENDING.value)
            .values(
                attempts=OutboxRow.attempts + 1, last_error=error[:200], lease_until=lease_until
            )
        )

    async def release_claims(self) -> int:
        """Put every row being sent back to waiting (a new leader: the old one is gone)."""
        result = await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.status == DeliveryStatus.SENDING.value)
            .values(status=DeliveryStatus.PENDING.value, lease_until=None)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def extend_leases(self, message_ids: list[str], lease_until: datetime) -> None:
        for start in range(0, len(message_ids), 500):
            await self._session.execute(
                update(OutboxRow)
                .where(
                    OutboxRow.id.in_(message_ids[start : start + 500]),
                    OutboxRow.status == DeliveryStatus.SENDING.value,
                )
                .values(lease_until=lease_until)
            )

    async def get(self, message_id: str) -> OutboundMessage | None:
        row = await self._session.get(OutboxRow, message_id)
        return None if row is None else (await self._decode([row]))[0]

    async def by_ref(self, ref_kind: str, ref_id: str) -> list[OutboundMessage]:
        rows = list(
            await self._session.scalars(
                select(OutboxRow)
                .where(OutboxRow.ref_kind == ref_kind, OutboxRow.ref_id == ref_id)
                .order_by(OutboxRow.created_at)
            )
        )
        return await self._decode(rows)

    async def listing(
        self, *, statuses: list[DeliveryStatus] | None = None, limit: int = 100
    ) -> list[OutboundMessage]:
        """Recent rows, newest first, without decrypting payloads (status views)."""
        query = select(OutboxRow).order_by(OutboxRow.created_at.desc()).limit(limit)
        if statuses:
            query = query.where(OutboxRow.status.in_([s.value for s in statuses]))
        return [_message(r, {}) for r in await self._session.scalars(query)]

    async def cancel_pending(self, *, recipient_kind: str, recipient_id: str, reason: str) -> int:
        """Cancel everything not yet sent to this recipient (waiting or being sent)."""
        result = await self._session.execute(
            update(OutboxRow)
            .where(
                OutboxRow.recipient_kind == recipient_kind,
                OutboxRow.recipient_id == recipient_id,
                OutboxRow.status.in_([DeliveryStatus.PENDING.value, DeliveryStatus.SENDING.value]),
            )
            .values(status=DeliveryStatus.CANCELLED.value, last_error=reason[:200])
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def count_ready(self, now: datetime) -> int:
        value = await self._session.scalar(
            select(func.count())
            .select_from(OutboxRow)
            .where(OutboxRow.status == "pending", OutboxRow.next_attempt_at <= now)
        )
        return int(value or 0)
