"""Process stored updates one at a time, in update_id order, through the PTB handlers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.handlers.context import FAILURES
from bot.services.inbox import InboxService

log = logging.getLogger(__name__)


class InboxProcessor:
    def __init__(
        self,
        inbox: InboxService,
        app: Application[Any, Any, Any, Any, Any, Any],
        on_processed: Callable[[], None],
    ) -> None:
        self._inbox = inbox
        self._app = app
        self._on_processed = on_processed
        self._signal = asyncio.Event()

    def signal(self) -> None:
        """New updates were stored: process them now."""
        self._signal.set()

    async def process_pending(self) -> int:
        """Handle every stored, unprocessed update once; returns how many were handled."""
        handled = 0
        failures: dict[int, str] = self._app.bot_data.setdefault(FAILURES, {})
        while True:
            batch = await self._inbox.pending(50)
            if not batch:
                return handled
            for update_id, payload in batch:
                failures.pop(update_id, None)
                try:
                    update = Update.de_json(payload, self._app.bot)
                    await self._app.process_update(update)
                except Exception as exc:
                    failures[update_id] = type(exc).__name__
                if update_id in failures:
                    final = await self._inbox.failed(update_id, failures.pop(update_id))
                    log.warning("inbox.failed update_id=%s final=%s", update_id, final)
                    if not final:
                        await asyncio.sleep(0.5)
                elif await self._inbox.is_pending(update_id):
                    await self._inbox.done(update_id)  # an update no handler consumed
                handled += 1
                self._on_processed()

    async def run(self, stop: asyncio.Event, poll: float = 2.0) -> None:
        while not stop.is_set():
            try:
                await self.process_pending()
            except Exception:
                log.exception("inbox.processor_error")
                await asyncio.sleep(1)
            self._signal.clear()
            waiters = [
                asyncio.ensure_future(self._signal.wait()),
                asyncio.ensure_future(stop.wait()),
            ]
            await asyncio.wait(waiters, timeout=poll, return_when=asyncio.FIRST_COMPLETED)
            for waiter in waiters:
                waiter.cancel()
