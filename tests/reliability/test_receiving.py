"""Polling keeps receiving through failures, including the very first call it makes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from typing import Any

import pytest
from telegram.error import Conflict, NetworkError

from bot.runtime.receiving import Poller
from bot.sandbox.testing import Sandbox
from bot.services.clock import ManualClock
from bot.services.inbox import InboxService
from bot.store.uow import Store
from tests.reliability.processes import wait_until


class Telegram:
    """Stands in for the Bot: ``deleteWebhook`` fails ``webhook_failures`` times; the first
    ``getUpdates`` hands over one update and ends the test's run."""

    def __init__(self, stop: asyncio.Event, webhook_failures: int) -> None:
        self.stop = stop
        self.webhook_failures = webhook_failures
        self.calls: list[str] = []

    async def do_api_request(self, method: str, **_: Any) -> Any:
        self.calls.append(method)
        if method == "deleteWebhook":
            if self.webhook_failures:
                self.webhook_failures -= 1
                raise NetworkError("connection reset")
            return True
        self.stop.set()
        return [{"update_id": 501}]


async def test_polling_starts_receiving_even_when_removing_the_webhook_fails_at_first(
    store: Store,
) -> None:
    inbox = InboxService(store.uow, ManualClock(datetime(2026, 3, 2, 14, 30, tzinfo=UTC)))
    stop = asyncio.Event()
    telegram = Telegram(stop, webhook_failures=2)
    poller = Poller(telegram, inbox, lambda: None, timeout=0, first_retry=0.01)  # type: ignore[arg-type]
    await asyncio.wait_for(poller.run(stop), 10)
    assert telegram.calls == ["deleteWebhook", "deleteWebhook", "deleteWebhook", "getUpdates"]
    assert [update_id for update_id, _ in await inbox.pending()] == [501]


async def test_the_webhook_is_removed_once_not_before_every_poll(store: Store) -> None:
    inbox = InboxService(store.uow, ManualClock(datetime(2026, 3, 2, 14, 30, tzinfo=UTC)))
    stop = asyncio.Event()
    telegram = Telegram(stop, webhook_failures=0)
    rounds = 0

    def stored() -> None:
        nonlocal rounds
        rounds += 1
        if rounds < 3:
            stop.clear()  # keep polling for three rounds

    poller = Poller(telegram, inbox, stored, timeout=0, first_retry=0.01)  # type: ignore[arg-type]
    await asyncio.wait_for(poller.run(stop), 10)
    assert telegram.calls == ["deleteWebhook", "getUpdates", "getUpdates", "getUpdates"]


async def test_another_instance_polling_with_the_token_is_explained_once_and_receiving_goes_on(
    sandbox: Sandbox, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot.runtime.receiving")
    inbox = InboxService(store.uow, ManualClock(datetime(2026, 3, 2, 14, 30, tzinfo=UTC)))
    stop = asyncio.Event()
    async with sandbox.bot() as ours, sandbox.bot() as theirs:
        poller = Poller(ours, inbox, lambda: None, timeout=1, first_retry=0.05)
        task = asyncio.create_task(poller.run(stop))
        try:
            # the other instance's getUpdates ends ours with 409 Conflict, several times
            async with asyncio.timeout(20):
                while len(conflicts(caplog)) < 3:
                    with contextlib.suppress(Conflict):
                        await theirs.do_api_request("getUpdates", api_kwargs={"timeout": 0.3})
            user = await sandbox.client.create_user("Avery")
            update_id = await sandbox.client.start_bot(user.id)
            await wait_until(lambda: stored(inbox, update_id), timeout=10, what="stored")
        finally:
            stop.set()
            await asyncio.wait_for(task, 10)
    explained = [r for r in conflicts(caplog) if r.levelno == logging.ERROR]
    assert len(explained) == 1
    message = explained[0].getMessage()
    assert "another bot instance is polling Telegram with this token" in message
    assert "Stop the other `companion run`" in message
    assert sandbox.token not in caplog.text


def conflicts(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.getMessage().startswith("poll.conflict")]


async def stored(inbox: InboxService, update_id: int) -> bool:
    return any(uid == update_id for uid, _ in await inbox.pending())
