"""The sandbox HTTP server: the Bot API under ``/bot<token>/`` and the control API.

Run it in-process (tests, demo, benchmarks)::

    async with SandboxServer() as server:
        bot = telegram.Bot(server.token, base_url=server.bot_api_url)
        client = server.client()

or alone with ``companion sandbox`` (see ``serve_forever``).
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import time
from types import TracebackType

from aiohttp import web

from bot.sandbox import control, control_reading, control_settings
from bot.sandbox.botapi import REGISTRY, handle_bot_api
from bot.sandbox.client import SandboxClient
from bot.sandbox.limits import Clock, LimitSettings
from bot.sandbox.registry import DEFAULT_TOKEN, Registry
from bot.sandbox.webhook_policy import WebhookPolicy

MAX_REQUEST_BYTES = 64 * 1024 * 1024
SHUTDOWN_SECONDS = 1.0

log = logging.getLogger(__name__)


def build_app(registry: Registry) -> web.Application:
    app = web.Application(client_max_size=MAX_REQUEST_BYTES)
    app[REGISTRY] = registry
    app.router.add_route("GET", "/bot{token}/{method}", handle_bot_api)
    app.router.add_route("POST", "/bot{token}/{method}", handle_bot_api)
    for module in (control, control_reading, control_settings):
        app.router.add_routes(module.routes)
    return app


class SandboxServer:
    """A sandbox listening on ``host:port`` (port 0: any free port) inside this event loop."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        token: str = DEFAULT_TOKEN,
        limits: LimitSettings | None = None,
        webhook_policy: WebhookPolicy | None = None,
        limit_clock: Clock = time.monotonic,
    ) -> None:
        """``limit_clock`` is the monotonic clock of the flood limits (a fake one makes
        limits independent of how fast the machine runs)."""
        self.host = host
        self.port = port
        self.registry = Registry(token, limits, webhook_policy, limit_clock)
        self._runner: web.AppRunner | None = None

    @property
    def token(self) -> str:
        """The default bot's token."""
        return self.registry.default_token

    @property
    def base_url(self) -> str:
        if self._runner is None:
            raise RuntimeError("the sandbox is not started")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def bot_api_url(self) -> str:
        """The value for python-telegram-bot's ``base_url`` (it appends the token)."""
        return f"{self.base_url}/bot"

    def client(self, token: str | None = None) -> SandboxClient:
        return SandboxClient(self.base_url, token)

    async def start(self) -> None:
        runner = web.AppRunner(
            build_app(self.registry),
            access_log=None,  # URLs carry tokens and query strings can carry message text
            handler_cancellation=True,
            shutdown_timeout=SHUTDOWN_SECONDS,
        )
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        if self.port == 0:
            server = site._server
            sockets = getattr(server, "sockets", None) or []
            self.port = int(sockets[0].getsockname()[1])

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        await self.registry.close()
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> SandboxServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()


async def serve_forever(host: str = "127.0.0.1", port: int = 8081) -> None:
    """Run the sandbox until interrupted, after printing how to point a bot at it."""
    server = SandboxServer(host, port)
    await server.start()
    try:
        print(f"Telegram sandbox listening on {server.base_url}")
        print(f"  Bot API base_url for python-telegram-bot: {server.bot_api_url}")
        print(f"  Bot token to use: {server.token}")
        print(f"  Control API: {server.base_url}/sandbox/  (see docs/sandbox.md)")
        if not is_loopback(host):
            print("  WARNING: bound to a non-loopback address; the sandbox has no authentication.")
        print("Press Ctrl-C to stop.", flush=True)
        await asyncio.Event().wait()
    finally:
        await server.stop()


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
