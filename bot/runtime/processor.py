"""Process stored updates one at a time, in update_id order, through the PTB handlers.

A handler that fails because of the update (a bug, bad data) uses up one of the
update's attempts; after ``MAX_ATTEMPTS`` it is set aside. A failure of the
infrastructure — the database gone or busy, a key the process has not loaded yet — says
nothing about the update: it stays pending without losing an attempt, and processing
pauses (backing off up to a minute) until the infrastructure is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import InterfaceError, OperationalError
from telegram import Update
from telegram.ext import Application

from bot.handlers.context import FAILURES
from bot.services.inbox import InboxService
from bot.store.crypto import UnknownMasterKey, WrongKey
from bot.store.uow import DatabaseBusy

log = logging.getLogger(__name__)

INFRASTRUCTURE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,  # connection lost, server restarting, SQLite locked
    InterfaceError,
    DatabaseBusy,
    TimeoutError,
    ConnectionError,
    UnknownMasterKey,  # keys rotated by another process; the key file is re-read
    WrongKey,
)
FIRST_PAUSE = 1.0
LONGEST_PAUSE = 60.0


def is_infrastructure(error: BaseException) -> bool:
    """True for failures that say nothing about the update itself."""
    return isinstance(error, INFRASTRUCTURE_ERRORS)


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
        self.pause = 0.0  # > 0 while the infrastructure is failing: how long to wait

    def _infrastructure_failed(self, update_id: int, error: BaseException) -> None:
        self.pause = min(LONGEST_PAUSE, max(FIRST_PAUSE, self.pause * 2))
        log.warning(
            "inbox.waiting update_id=%s error=%s retry_in=%.0fs",
            update_id,
            type(error).__name__,
            self.pause,
        )

    def signal(self) -> None:
        """New updates were stored: process them now."""
        self._signal.set()

    async def process_pending(self) -> int:
        """Handle every stored, unprocessed update once; returns how many were handled."""
        handled = 0
        failures: dict[int, BaseException] = self._app.bot_data.setdefault(FAILURES, {})
        while True:
            batch = await self._inbox.pending(50)
            if not batch:
                self.pause = 0.0
                return handled
            for update_id, payload in batch:
                failures.pop(update_id, None)
                try:
                    update = Update.de_json(payload, self._app.bot)
                    await self._app.process_update(update)
                except Exception as exc:
                    failures[update_id] = exc
                error = failures.pop(update_id, None)
                if error is not None and is_infrastructure(error):
                    self._infrastructure_failed(update_id, error)
                    return handled  # keep the order: nothing after it goes first
                if error is not None:
                    final = await self._inbox.failed(update_id, type(error).__name__)
                    log.warning("inbox.failed update_id=%s final=%s", update_id, final)
                    if not final:
                        await asyncio.sleep(0.5)
                elif await self._inbox.is_pending(update_id):
                    await self._inbox.done(update_id)  # an update no handler consumed
                self.pause = 0.0
                handled += 1
                self._on_processed()

    async def run(self, stop: asyncio.Event, poll: float = 2.0) -> None:
        while not stop.is_set():
            try:
                await self.process_pending()
            except Exception as exc:
                if is_infrastructure(exc):
                    self.pause = min(LONGEST_PAUSE, max(FIRST_PAUSE, self.pause * 2))
                    log.warning("inbox.unavailable error=%s", type(exc).__name__)
                else:
                    log.exception("inbox.processor_error")
                    self.pause = max(self.pause, FIRST_PAUSE)
            if self.pause:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.pause)
                continue
            self._signal.clear()
            waiters = [
                asyncio.ensure_future(self._signal.wait()),
                asyncio.ensure_future(stop.wait()),
            ]
            await asyncio.wait(waiters, timeout=poll, return_when=asyncio.FIRST_COMPLETED)
            for waiter in waiters:
                waiter.cancel()
