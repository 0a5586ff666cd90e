"""A brief database error (a PostgreSQL restart, SQLite busy for longer than its timeout)
must not stop the bot for good: receiving and sending go on once the database is back."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from bot.bootstrap import Services, build_services
from bot.config import load_settings
from bot.delivery.api import PtbBotApi
from bot.delivery.dispatcher import Dispatcher
from bot.domain.model import PatientStatus
from bot.runtime.receiving import Poller
from bot.sandbox.testing import Sandbox
from bot.services.delivery import DeliveryService, Ready
from bot.services.inbox import InboxService
from bot.store.uow import Store
from tests.factories import seed_patient
from tests.reliability.desk import enqueue
from tests.reliability.inprocess import unpaced
from tests.reliability.processes import wait_until

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])  # the fault is not the database's


def database_gone() -> OperationalError:
    return OperationalError("SELECT ...", {}, ConnectionError("the database went away"))


class InboxFailingOnce(InboxService):
    tripped = False

    async def receive(self, updates: list[dict[str, Any]]) -> int:
        if not self.tripped:
            self.tripped = True
            raise database_gone()
        return await super().receive(updates)


class DeliveryFailingOnce(DeliveryService):
    tripped = False

    async def claim(self, limit: int, lease: timedelta) -> list[Ready]:
        if not self.tripped:
            self.tripped = True
            raise database_gone()
        return await super().claim(limit, lease)


def while_running(
    task: asyncio.Task[None], probe: Callable[[], Awaitable[bool]]
) -> Callable[[], Awaitable[bool]]:
    """``probe``, but fail at once if the loop under test has ended."""

    async def check() -> bool:
        if task.done():
            raise AssertionError(f"the loop stopped: {task.exception()!r}")
        return await probe()

    return check


async def running(
    loop: Callable[[asyncio.Event], Awaitable[None]],
    probe: Callable[[], Awaitable[bool]],
    what: str,
) -> None:
    stop = asyncio.Event()
    task: asyncio.Task[None] = asyncio.create_task(loop(stop))  # type: ignore[arg-type]
    try:
        await wait_until(while_running(task, probe), timeout=10, what=what)
    finally:
        stop.set()
        await asyncio.gather(task, return_exceptions=True)


def services_for(store: Store, sandbox: Sandbox) -> Services:
    settings = load_settings(telegram_token=sandbox.token, telegram_base_url=sandbox.bot_api_url)
    return build_services(store, settings)


async def test_polling_goes_on_after_the_inbox_could_not_be_written_once(
    sandbox: Sandbox, store: Store, backend: str
) -> None:
    services = services_for(store, sandbox)
    inbox = InboxFailingOnce(store.uow, services.clock)
    user = await sandbox.client.create_user("Avery")
    update_id = await sandbox.client.start_bot(user.id)
    async with sandbox.bot() as bot:
        poller = Poller(bot, inbox, lambda: None, timeout=1)

        async def stored() -> bool:
            return any(uid == update_id for uid, _ in await services.inbox.pending())

        await running(poller.run, stored, "the update is stored after the database is back")


async def test_sending_goes_on_after_the_outbox_could_not_be_read_once(
    sandbox: Sandbox, store: Store, backend: str
) -> None:
    services = services_for(store, sandbox)
    user = await sandbox.client.create_user("Avery")
    await sandbox.client.start_bot(user.id)
    async with store.uow() as uow:
        _, patient = await seed_patient(
            uow, services.clock.now(), chat_id=user.chat_id, status=PatientStatus.ACTIVE
        )
        await uow.commit()
    await enqueue(services, (patient.id, "Note after the hiccup"))
    delivery = DeliveryFailingOnce(store.uow, services.clock, services.escalations, max_attempts=3)
    async with sandbox.bot() as bot:
        dispatcher = Dispatcher(delivery, PtbBotApi(bot), unpaced(), idle_poll=0.05)

        async def sent() -> bool:
            return any(
                m.text == "Note after the hiccup"
                for m in await sandbox.client.messages(user.chat_id)
            )

        await running(dispatcher.run, sent, "the note is sent after the database is back")
