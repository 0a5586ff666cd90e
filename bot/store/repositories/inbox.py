"""The durable inbox: raw Telegram updates, stored before Telegram is told we have them.

Payloads are encrypted under the system key (an update may come from a chat we do not
know yet), so each row also carries the blind index of its chat — the same index
``patients.chat_index`` holds — and erasing a patient can find and blank their updates.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.outgoing import AlreadyProcessed
from bot.store.repositories.chat_index import PATIENT_CHAT
from bot.store.repositories.outbox import DROPPED, dialect_insert, drop_finished_payloads
from bot.store.tables import InboxRow
from bot.store.vault import Vault

INBOX_CHANNEL = "companion_inbox"  # PostgreSQL NOTIFY channel: "an update was stored"

# where an update names its chat (private chats: the user's id is the chat's id)
CHAT_HOLDERS = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_message",
    "edited_business_message",
    "my_chat_member",
    "chat_member",
    "chat_join_request",
    "message_reaction",
    "chat_boost",
)
USER_HOLDERS = ("inline_query", "chosen_inline_result", "shipping_query", "pre_checkout_query")


def _as_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def chat_of(update: dict[str, Any]) -> int | None:
    """The chat an update belongs to, if it names one."""
    for key in CHAT_HOLDERS:
        holder = update.get(key)
        if isinstance(holder, dict) and isinstance(holder.get("chat"), dict):
            return _as_int(holder["chat"].get("id"))
    query = update.get("callback_query")
    if isinstance(query, dict):
        message = query.get("message")
        if isinstance(message, dict) and isinstance(message.get("chat"), dict):
            return _as_int(message["chat"].get("id"))
        if isinstance(query.get("from"), dict):
            return _as_int(query["from"].get("id"))
    for key in USER_HOLDERS:
        holder = update.get(key)
        if isinstance(holder, dict) and isinstance(holder.get("from"), dict):
            return _as_int(holder["from"].get("id"))
    return None


class InboxRepository:
    def __init__(self, session: AsyncSession, vault: Vault) -> None:
        self._session = session
        self._vault = vault
        self._announced = False

    def chat_index(self, chat_id: int) -> str:
        return self._vault.index(PATIENT_CHAT, chat_id)

    async def add_if_new(self, update_id: int, payload: dict[str, Any], now: datetime) -> bool:
        """Store an update once; False if this update_id was already stored."""
        sealed = await self._vault.seal_json("inbox", "payload", str(update_id), None, payload)
        chat = chat_of(payload)
        statement = (
            dialect_insert(self._session)(InboxRow)
            .values(
                update_id=update_id,
                payload_enc=sealed,
                chat_index=None if chat is None else self.chat_index(chat),
                status="pending",
                attempts=0,
                received_at=now,
            )
            .on_conflict_do_nothing(index_elements=["update_id"])
        )
        result = await self._session.execute(statement)
        stored = bool(getattr(result, "rowcount", 0))
        if stored and not self._announced and self._session.get_bind().dialect.name == "postgresql":
            # delivered on commit: the leader's processor wakes at once, even when a
            # standby received the update (webhook behind a load balancer)
            await self._session.execute(text(f"NOTIFY {INBOX_CHANNEL}"))
            self._announced = True
        return stored

    async def pending(self, limit: int = 100) -> list[tuple[int, dict[str, Any]]]:
        rows = await self._session.scalars(
            select(InboxRow)
            .where(InboxRow.status == "pending", InboxRow.payload_enc != DROPPED)
            .order_by(InboxRow.update_id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        out = []
        for row in rows:
            payload = await self._vault.open_json(
                "inbox", "payload", str(row.update_id), None, row.payload_enc
            )
            out.append((row.update_id, payload))
        return out

    async def mark_done(self, update_id: int, now: datetime) -> None:
        """Mark a pending update processed; AlreadyProcessed if it is no longer pending.

        Only a pending row changes: a second instance handling the same update waits for
        the first's row lock (PostgreSQL, READ COMMITTED), then finds it done. An update
        that was never stored (a use case called directly) has nothing to mark.
        """
        result = await self._session.execute(
            update(InboxRow)
            .where(InboxRow.update_id == update_id, InboxRow.status == "pending")
            .values(status="done", processed_at=now, attempts=InboxRow.attempts + 1)
        )
        if not getattr(result, "rowcount", 0) and await self._session.scalar(
            select(InboxRow.status).where(InboxRow.update_id == update_id)
        ):
            raise AlreadyProcessed(update_id)

    async def mark_failed(self, update_id: int, error: str, now: datetime, *, final: bool) -> bool:
        """Record a failed attempt of a pending update (one done meanwhile stays done).

        False when a stored update was no longer pending; an update that was never stored
        (a use case called directly) has nothing to mark and counts as marked.
        """
        result = await self._session.execute(
            update(InboxRow)
            .where(InboxRow.update_id == update_id, InboxRow.status == "pending")
            .values(
                status="failed" if final else "pending",
                error=error[:200],
                processed_at=now if final else None,
                attempts=InboxRow.attempts + 1,
            )
        )
        if getattr(result, "rowcount", 0):
            return True
        stored = await self._session.scalar(
            select(InboxRow.status).where(InboxRow.update_id == update_id)
        )
        return stored is None

    async def attempts(self, update_id: int) -> int:
        return int(
            await self._session.scalar(
                select(InboxRow.attempts).where(InboxRow.update_id == update_id)
            )
            or 0
        )

    async def max_update_id(self) -> int | None:
        value = await self._session.scalar(select(func.max(InboxRow.update_id)))
        return None if value is None else int(value)

    async def purge_done_before(self, before: datetime) -> int:
        """Retention (the ``inbox.purge`` tick) for both message tables, older than ``before``.

        Processed updates lose their payload but stay, so a late duplicate is still
        recognised; failed updates go altogether (payload and error). Finished outbox rows
        (sent, failed, cancelled) lose their payload too (see :func:`drop_finished_payloads`).
        """
        dropped = await self._session.execute(
            update(InboxRow)
            .where(
                InboxRow.status == "done",
                InboxRow.processed_at < before,
                InboxRow.payload_enc != DROPPED,
            )
            .values(payload_enc=DROPPED)
        )
        deleted = await self._session.execute(
            delete(InboxRow).where(InboxRow.status == "failed", InboxRow.processed_at < before)
        )
        inbox = sum(int(getattr(r, "rowcount", 0) or 0) for r in (dropped, deleted))
        return inbox + await drop_finished_payloads(self._session, before)
