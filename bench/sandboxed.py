"""The Telegram sandbox and ``companion run`` as separate processes, as in production.

The sandbox plays Telegram (with Telegram's default flood limits) in its own process;
``companion run`` is the real bot process pointed at it; this process plays the people.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from bench.processes import (
    child_environment,
    free_port,
    start_background,
    stop_background,
    workdir_ready,
)
from bot.sandbox.client import SandboxClient
from bot.sandbox.models import SandboxUser

START_SECONDS = 20.0
# ``companion run`` needs about 10 s to stop when idle (its long poll is not cancelled; see
# docs/benchmarks.md); nothing is measured after the presses, so it gets 3 s, then SIGKILL.
STOP_SECONDS = 3.0
CHUNK = 50


@dataclass
class Telegram:
    """A running sandbox: where it listens, its default bot token, a control client."""

    base_url: str
    token: str
    client: SandboxClient
    log: Path

    @property
    def bot_api_url(self) -> str:
        return f"{self.base_url}/bot"

    async def stats(self) -> dict[str, Any]:
        return await self.client.stats()

    async def messages_sent(self) -> int:
        return int((await self.stats())["messages_sent"])


async def _healthy(client: SandboxClient) -> dict[str, Any]:
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            return await client.health()
        except (aiohttp.ClientError, OSError):
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.1)


@asynccontextmanager
async def running_sandbox(workdir: Path) -> AsyncIterator[Telegram]:
    workdir = workdir_ready(workdir)
    port = free_port()
    log = workdir / "sandbox.log"
    child = start_background(
        ["-m", "bot", "sandbox", "--host", "127.0.0.1", "--port", str(port)],
        env=child_environment(),
        cwd=workdir,
        log=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with SandboxClient(base) as client:
            health = await _healthy(client)
            yield Telegram(base, str(health["default_token"]), client, log)
    finally:
        stop_background(child)


async def started_users(telegram: Telegram, count: int, label: str) -> list[SandboxUser]:
    """``count`` fictional users who have opened the bot (so it may write to them).

    Their ``/start`` updates are confirmed straight away, as if an earlier run of the bot
    had handled them: the benchmark starts from patients who enrolled long ago.
    """
    users: list[SandboxUser] = []
    last_update = 0
    for start in range(0, count, CHUNK):
        batch = await asyncio.gather(
            *(
                telegram.client.create_user(f"{label} {n:05d}")
                for n in range(start + 1, min(count, start + CHUNK) + 1)
            )
        )
        updates = await asyncio.gather(*(telegram.client.start_bot(u.id) for u in batch))
        users.extend(batch)
        last_update = max([last_update, *updates])
    await confirm_updates(telegram, last_update)
    return users


async def confirm_updates(telegram: Telegram, last_update_id: int) -> None:
    """``getUpdates`` with an offset past ``last_update_id``: Telegram forgets those."""
    url = f"{telegram.bot_api_url}{telegram.token}/getUpdates"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json={"offset": last_update_id + 1, "timeout": 0}) as response,
    ):
        body = await response.json()
    if not body.get("ok"):
        raise RuntimeError(f"getUpdates refused: {body}")


@asynccontextmanager
async def running_bot(
    telegram: Telegram,
    settings_env: dict[str, str],
    workdir: Path,
    extra: dict[str, str] | None = None,
) -> AsyncIterator[Path]:
    """``companion run`` (polling) against the sandbox until the block ends (SIGTERM)."""
    env = child_environment(
        {
            **settings_env,
            "COMPANION_TELEGRAM_TOKEN": telegram.token,
            "COMPANION_TELEGRAM_BASE_URL": telegram.bot_api_url,
            "COMPANION_LOG_LEVEL": "INFO",
            **(extra or {}),
        }
    )
    log = workdir / "companion-run.log"
    child = start_background(["-m", "bot", "run"], env=env, cwd=workdir, log=log)
    try:
        yield log
    finally:
        code = stop_background(child, STOP_SECONDS)
        if code not in (0, -signal.SIGTERM, -signal.SIGKILL):
            tail = log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"companion run exited with {code}:\n{tail}")
