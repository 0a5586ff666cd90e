"""Webhook delivery: the secret header, retries with backoff, giving up, and switching back."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import telegram
from aiohttp import web

from bot.sandbox.testing import Sandbox, eventually

SECRET = "fictional-secret_1"


class Receiver:
    """A tiny webhook endpoint: checks the secret, can fail on purpose, keeps what arrives."""

    def __init__(self, secret: str = SECRET) -> None:
        self.secret = secret
        self.failures_left = 0
        self.received: list[dict[str, Any]] = []
        self.refused = 0
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        if request.headers.get("X-Telegram-Bot-Api-Secret-Token") != self.secret:
            self.refused += 1
            return web.Response(status=403)
        if self.failures_left > 0:
            self.failures_left -= 1
            self.refused += 1
            return web.Response(status=500)
        self.received.append(json.loads(await request.read()))
        return web.Response(status=200)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hook", self.handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/hook"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    hook = Receiver()
    await hook.start()
    yield hook
    await hook.stop()


async def test_updates_are_posted_with_the_secret_header(
    sandbox: Sandbox, bot: telegram.Bot, receiver: Receiver
) -> None:
    assert await bot.set_webhook(receiver.url, secret_token=SECRET) is True
    person = await sandbox.client.create_user("Noor")
    update_id = await sandbox.client.send_text(person.id, "hello")
    await eventually(lambda: len(receiver.received) == 1)
    update = telegram.Update.de_json(receiver.received[0], bot)
    assert update.update_id == update_id
    assert update.message is not None and update.message.text == "hello"
    info = await bot.get_webhook_info()
    assert (info.url, info.pending_update_count) == (receiver.url, 0)


async def test_a_refused_delivery_is_retried_until_the_webhook_accepts_it(
    sandbox: Sandbox, bot: telegram.Bot, receiver: Receiver
) -> None:
    receiver.secret = "the-secret-the-bot-expects"
    await bot.set_webhook(receiver.url, secret_token=SECRET)
    person = await sandbox.client.create_user("Noor")
    await sandbox.client.send_text(person.id, "hello")
    await eventually(lambda: receiver.refused >= 2)
    info = await bot.get_webhook_info()
    assert info.pending_update_count == 1
    assert info.last_error_message == "Wrong response from the webhook: 403 Forbidden"
    assert info.last_error_date is not None
    receiver.secret = SECRET
    await eventually(lambda: len(receiver.received) == 1)
    stats = (await sandbox.client.stats())["webhook"]
    assert stats["failed"] >= 2
    assert stats["succeeded"] == 1
    assert stats["attempted"] == stats["failed"] + stats["succeeded"]


async def test_server_errors_are_retried_and_the_update_arrives_once(
    sandbox: Sandbox, bot: telegram.Bot, receiver: Receiver
) -> None:
    receiver.failures_left = 2
    await bot.set_webhook(receiver.url, secret_token=SECRET)
    person = await sandbox.client.create_user("Noor")
    update_id = await sandbox.client.send_text(person.id, "hello")
    await eventually(lambda: len(receiver.received) == 1)
    assert [u["update_id"] for u in receiver.received] == [update_id]
    stats = (await sandbox.client.stats())["webhook"]
    assert (stats["attempted"], stats["failed"], stats["succeeded"]) == (3, 2, 1)


async def test_delivery_gives_up_after_the_last_attempt_and_moves_on(
    sandbox: Sandbox, bot: telegram.Bot, receiver: Receiver
) -> None:
    await sandbox.client.set_webhook_policy(max_attempts=2, initial_delay=0.01)
    receiver.failures_left = 2
    await bot.set_webhook(receiver.url, secret_token=SECRET)
    person = await sandbox.client.create_user("Noor")
    await sandbox.client.send_text(person.id, "lost")
    second = await sandbox.client.send_text(person.id, "kept")
    await eventually(lambda: len(receiver.received) == 1)
    assert receiver.received[0]["update_id"] == second
    assert (await sandbox.client.stats())["webhook"]["dropped"] == 1


async def test_an_unreachable_webhook_records_the_connection_error(
    sandbox: Sandbox, bot: telegram.Bot, receiver: Receiver
) -> None:
    url = receiver.url
    await receiver.stop()
    await bot.set_webhook(url)
    person = await sandbox.client.create_user("Noor")
    await sandbox.client.send_text(person.id, "hello")
    await eventually(lambda: sandbox.server.registry.bot(sandbox.token).stats.webhook_failed > 0)
    info = await bot.get_webhook_info()
    assert info.last_error_message == "Connection refused"


async def test_deleting_the_webhook_returns_to_polling_with_updates_kept(
    sandbox: Sandbox, bot: telegram.Bot, receiver: Receiver
) -> None:
    receiver.secret = "never-matches"
    await bot.set_webhook(receiver.url, secret_token=SECRET)
    person = await sandbox.client.create_user("Noor")
    update_id = await sandbox.client.send_text(person.id, "hello")
    assert await bot.delete_webhook() is True
    assert [u.update_id for u in await bot.get_updates()] == [update_id]
    assert (await bot.get_webhook_info()).url == ""


async def test_drop_pending_updates_forgets_what_was_waiting(
    sandbox: Sandbox, bot: telegram.Bot
) -> None:
    person = await sandbox.client.create_user("Noor")
    await sandbox.client.send_text(person.id, "hello")
    await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == ()
