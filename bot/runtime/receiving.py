"""Receiving updates durably: long polling or a webhook.

Polling: the offset that confirms a batch to Telegram is sent only after the batch is
committed to the inbox. Webhook: 200 is answered only after the commit; a wrong or
missing secret token gets 403 and nothing is stored.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web
from telegram import Bot
from telegram.error import NetworkError, TelegramError

from bot.services.inbox import InboxService

log = logging.getLogger(__name__)
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


class Poller:
    def __init__(
        self,
        bot: Bot,
        inbox: InboxService,
        on_stored: Callable[[], None],
        *,
        timeout: int = 25,
        first_retry: float = 1.0,
    ) -> None:
        self._bot = bot
        self._inbox = inbox
        self._on_stored = on_stored
        self._timeout = timeout
        self._first_retry = first_retry  # seconds; doubled after each failure, up to 30
        self.offset: int | None = None

    async def poll_once(self) -> int:
        """One getUpdates round: store the batch, then (next call) confirm it."""
        params: dict[str, Any] = {"timeout": self._timeout, "allowed_updates": ALLOWED_UPDATES}
        if self.offset is not None:
            params["offset"] = self.offset
        raw = await self._bot.do_api_request(
            "getUpdates",
            api_kwargs=params,
            read_timeout=self._timeout + 10,
        )
        updates = [u for u in raw if isinstance(u, dict) and "update_id" in u]
        if not updates:
            return 0
        await self._inbox.receive(updates)  # committed before the offset moves
        self.offset = max(int(u["update_id"]) for u in updates) + 1
        self._on_stored()
        return len(updates)

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until stopped. A failure — of removing a webhook left from webhook mode, of
        Telegram, of the database — is retried with backoff; receiving never just stops."""
        delay = self._first_retry
        webhook_removed = False
        while not stop.is_set():
            try:
                if not webhook_removed:  # getUpdates is refused while a webhook is set
                    await self._bot.do_api_request("deleteWebhook", api_kwargs={})
                    webhook_removed = True
                await self.poll_once()
                delay = self._first_retry
            except (NetworkError, TelegramError, OSError) as exc:
                log.warning("poll.error error=%s retry_in=%.0fs", type(exc).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
            except Exception:  # the database, say: keep receiving once it is back
                log.exception("poll.store_error retry_in=%.0fs", delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)


class WebhookReceiver:
    """An aiohttp endpoint Telegram POSTs updates to."""

    def __init__(
        self,
        inbox: InboxService,
        secret: str,
        on_stored: Callable[[], None],
        path: str = "/telegram",
    ) -> None:
        self._inbox = inbox
        self._secret = secret.encode()
        self._on_stored = on_stored
        self.path = path

    def app(self) -> web.Application:
        application = web.Application(client_max_size=1024 * 1024)
        application.router.add_post(self.path, self.handle)
        application.router.add_get("/health", self.health)
        return application

    async def health(self, request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def handle(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            log.warning("webhook.bad_secret")
            return web.Response(status=403, text="forbidden")
        try:
            update = json.loads(await request.read())
        except (json.JSONDecodeError, UnicodeDecodeError):
            return web.Response(status=400, text="bad json")
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            return web.Response(status=400, text="not an update")
        await self._inbox.receive([update])  # the answer waits for the commit
        self._on_stored()
        return web.Response(status=200, text="ok")
