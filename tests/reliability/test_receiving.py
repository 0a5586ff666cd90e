"""Polling keeps receiving through failures, including the very first call it makes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from telegram.error import NetworkError

from bot.runtime.receiving import Poller
from bot.services.clock import ManualClock
from bot.services.inbox import InboxService
from bot.store.uow import Store


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
