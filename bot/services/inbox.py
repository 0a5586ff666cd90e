"""The durable inbox: an update is stored before Telegram is told we have it.

Polling: the offset advances only after the batch is committed. Webhook: the HTTP 200
goes out only after the commit. Processing marks each update done in the same
transaction as its effects, so the same update twice has one effect.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.services.outgoing import Outgoing, commit
from bot.services.ports import Clock, UnitOfWorkFactory

MAX_ATTEMPTS = 5


class InboxService:
    def __init__(self, uows: UnitOfWorkFactory, clock: Clock) -> None:
        self._uows = uows
        self._clock = clock

    async def receive(self, updates: list[dict[str, Any]]) -> int:
        """Store a batch of raw updates (deduplicated by update_id); returns how many were new."""
        if not updates:
            return 0
        now = self._clock.now()
        async with self._uows() as uow:
            fresh = 0
            for update in updates:
                if await uow.inbox.add_if_new(int(update["update_id"]), update, now):
                    fresh += 1
            await uow.commit()
            return fresh

    async def pending(self, limit: int = 50) -> list[tuple[int, dict[str, Any]]]:
        async with self._uows() as uow:
            return await uow.inbox.pending(limit)

    async def done(self, update_id: int) -> None:
        """For updates no use case consumed (types we ignore): mark them processed."""
        async with self._uows() as uow:
            await uow.inbox.mark_done(update_id, self._clock.now())
            await uow.commit()

    async def failed(self, update_id: int, error: str) -> bool:
        """Record a failed attempt; True when it will not be tried again."""
        async with self._uows() as uow:
            attempts = await uow.inbox.attempts(update_id) + 1
            final = attempts >= MAX_ATTEMPTS
            await uow.inbox.mark_failed(update_id, error, self._clock.now(), final=final)
            await uow.commit()
            return final

    async def is_pending(self, update_id: int) -> bool:
        async with self._uows() as uow:
            return any(uid == update_id for uid, _ in await uow.inbox.pending(500))

    async def purge(self, older_than: timedelta) -> int:
        """Drop the payloads of updates processed longer ago than ``older_than``."""
        async with self._uows() as uow:
            dropped = await uow.inbox.purge_done_before(self._clock.now() - older_than)
            await uow.commit()
            return dropped

    async def ignore_callback(self, chat_id: int, callback_query_id: str, update_id: int) -> None:
        """A button nobody handles: answer it (so the spinner stops) and move on."""
        now = self._clock.now()
        async with self._uows() as uow:
            out = Outgoing(f"upd:{update_id}", now)
            out.add(
                "chat",
                "-",
                "answerCallbackQuery",
                {"chat_id": chat_id, "callback_query_id": callback_query_id},
                purpose="callback",
            )
            await commit(uow, out, update_id)
