"""Process stored updates one at a time, in update_id order, through the PTB handlers.

A handler that fails because of the update (a bug, bad data) uses up one of the
update's attempts; after ``MAX_ATTEMPTS`` it is set aside, and its private chat is told
something went wrong (pointed to /sos) and the audit log records it. An update another
instance handled meanwhile (``AlreadyProcessed``) is simply done. A failure of the
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
from bot.services.outgoing import AlreadyProcessed
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


def private_chat(update: Update) -> int | None:
    """The private chat an update came from (where to say that it failed), if any."""
    chat = update.effective_chat
    return chat.id if chat is not None and chat.type == "private" else None


def message_text(update: Update) -> str | None:
    """The text (or caption) a person wrote in a private chat, to triage if the update is
    set aside; a button press carries the bot's own message, which is not theirs."""
    message = update.message or update.edited_message
    if message is None or private_chat(update) is None:
        return None
    return message.text or message.caption


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
                chat_id: int | None = None
                text: str | None = None
                try:
                    update = Update.de_json(payload, self._app.bot)
                    chat_id = private_chat(update)
                    text = message_text(update)
                    await self._app.process_update(update)
                except Exception as exc:
                    failures[update_id] = exc
                error = failures.pop(update_id, None)
                if isinstance(error, AlreadyProcessed):
                    error = None  # another instance handled it meanwhile: nothing left to do
                if error is not None and is_infrastructure(error):
                    self._infrastructure_failed(update_id, error)
                    return handled  # keep the order: nothing after it goes first
                if error is not None:
                    final = await self._inbox.failed(update_id, type(error).__name__)
                    log.warning("inbox.failed update_id=%s final=%s", update_id, final)
                    if not final:
                        await asyncio.sleep(0.5)
                    elif not await self._set_aside(update_id, error, chat_id, text):
                        return handled  # the database is failing: wait, keep the order
                else:  # an update no handler consumed is marked here; one consumed stays
                    await self._inbox.done(update_id)
                self.pause = 0.0
                handled += 1
                self._on_processed()

    async def _set_aside(
        self, update_id: int, error: BaseException, chat_id: int | None, text: str | None
    ) -> bool:
        """Tell the chat, the care team and the audit log. False when the database (or the
        keys) failed meanwhile: nothing was written, the update is tried again later. Any
        other failure here never holds up other updates: the update is given up."""
        name = type(error).__name__
        log.warning(
            "inbox.set_aside update_id=%s error=%s chat_told=%s",
            update_id,
            name,
            chat_id is not None,
        )
        try:
            await self._inbox.set_aside(update_id, name, chat_id, text, transient=is_infrastructure)
        except Exception as exc:
            if is_infrastructure(exc):
                self._infrastructure_failed(update_id, exc)
                return False
            log.warning(
                "inbox.set_aside_untold update_id=%s error=%s", update_id, type(exc).__name__
            )
            try:
                await self._inbox.give_up(update_id, name)
            except Exception as last:
                log.warning(
                    "inbox.give_up_failed update_id=%s error=%s", update_id, type(last).__name__
                )
        return True

    async def run(self, stop: asyncio.Event, poll: float = 2.0) -> None:
        log.info("processor.running")
        while not stop.is_set():
            # cleared before reading: an update stored during the last (empty) read sets it
            # again, so the wait below returns at once instead of after ``poll`` seconds
            self._signal.clear()
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
            waiters = [
                asyncio.ensure_future(self._signal.wait()),
                asyncio.ensure_future(stop.wait()),
            ]
            await asyncio.wait(waiters, timeout=poll, return_when=asyncio.FIRST_COMPLETED)
            for waiter in waiters:
                waiter.cancel()
