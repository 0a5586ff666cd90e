"""Pytest fixtures and helpers for tests that run the real bot stack against the sandbox.

Reuse them from any ``conftest.py``::

    from bot.sandbox.testing import sandbox, sandbox_server  # noqa: F401  (pytest fixtures)

``sandbox`` gives a started server and a control client for its default bot, with quick
webhook retries so tests stay fast; the flood limits are Telegram's defaults.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import warnings
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import telegram
from telegram.ext import Application

from bot.sandbox.client import SandboxClient
from bot.sandbox.server import SandboxServer
from bot.sandbox.webhook_policy import WebhookPolicy

TEST_WEBHOOK_POLICY = WebhookPolicy(
    initial_delay=0.02, max_delay=0.2, max_attempts=5, request_timeout=2.0
)
TEST_POLL_SECONDS = 0.5


@dataclass
class Sandbox:
    """A running sandbox and a control client for its default bot."""

    server: SandboxServer
    client: SandboxClient

    @property
    def token(self) -> str:
        return self.server.token

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def bot_api_url(self) -> str:
        return self.server.bot_api_url

    def bot(self, token: str | None = None, **kwargs: Any) -> telegram.Bot:
        """A python-telegram-bot ``Bot`` pointed at the sandbox (use ``async with``)."""
        return telegram.Bot(token or self.token, base_url=self.bot_api_url, **kwargs)


@pytest.fixture
async def sandbox_server() -> AsyncIterator[SandboxServer]:
    async with SandboxServer(webhook_policy=TEST_WEBHOOK_POLICY) as server:
        yield server


@pytest.fixture
async def sandbox(sandbox_server: SandboxServer) -> AsyncIterator[Sandbox]:
    async with sandbox_server.client() as client:
        yield Sandbox(sandbox_server, client)


@asynccontextmanager
async def polling(
    application: Application[Any, Any, Any, Any, Any, Any],
    *,
    poll_seconds: float = TEST_POLL_SECONDS,
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """Run an ``Application`` with long polling for the duration of the block."""
    async with application:
        updater = application.updater
        if updater is None:
            raise RuntimeError("the application was built without an updater")
        await updater.start_polling(timeout=dtm.timedelta(seconds=poll_seconds))
        await application.start()
        try:
            yield application
        finally:
            await updater.stop()
            await application.stop()


def retry_after_seconds(error: telegram.error.RetryAfter) -> float:
    """``RetryAfter.retry_after`` in seconds, whether PTB gives an int or a timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


async def eventually(check: Callable[[], object], seconds: float = 3.0) -> None:
    """Wait until ``check()`` is true (for things the sandbox does in the background)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not check():
        if loop.time() > deadline:
            raise AssertionError("the condition did not become true in time")
        await asyncio.sleep(0.01)
