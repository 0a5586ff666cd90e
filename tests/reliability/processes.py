"""Real processes for reliability tests: ``companion sandbox`` and ``companion run``.

Each runs with this interpreter (``python -m bot ...``) in a scratch folder, with only the
``COMPANION_*`` settings the test gives (none are inherited from the test's environment),
and writes its output to a log file that tests read to wait for events (``bot.started``,
``leader.acquired``). Nothing here sleeps a fixed time: every wait polls a condition
until a deadline and, when the deadline passes, fails with the process's log.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, overload

from bot.config import Settings, load_settings
from bot.sandbox.client import SandboxClient

T = TypeVar("T")
LISTENING = re.compile(r"Telegram sandbox listening on (http://\S+)")
STARTED = "bot.started"


class ProcessDied(AssertionError):
    """A process the test needed ended early; the message carries its log."""


@overload
async def wait_until(
    probe: Callable[[], Awaitable[T]],
    *,
    timeout: float,  # noqa: ASYNC109
    what: str,
    every: float = 0.05,
) -> T: ...


@overload
async def wait_until(
    probe: Callable[[], T],
    *,
    timeout: float,  # noqa: ASYNC109
    what: str,
    every: float = 0.05,
) -> T: ...


async def wait_until(
    probe: Callable[[], Any],
    *,
    timeout: float,  # noqa: ASYNC109 - a deadline for polling, not an I/O timeout
    what: str,
    every: float = 0.05,
) -> Any:
    """Poll ``probe`` until it returns something truthy and return that value.

    ``probe`` may be a plain function or a coroutine function. Raises AssertionError naming
    ``what`` when ``timeout`` seconds pass first.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:g} s: {what}")
        await asyncio.sleep(every)


def free_port() -> int:
    """A TCP port free on loopback right now (the OS may hand it out again later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def new_bot_token() -> str:
    """A token of its own for one test: the sandbox keeps each bot's world apart."""
    return f"{7_100_000_000 + secrets.randbelow(10**8)}:RELIABILITY-{secrets.token_hex(8)}"


def clean_environment(settings: Mapping[str, str]) -> dict[str, str]:
    """This process's environment without any COMPANION_* variable, plus ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPANION_")}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(settings)
    return env


class Spawned:
    """One child process, its output in ``log_path``."""

    def __init__(self, name: str, argv: list[str], env: Mapping[str, str], folder: Path) -> None:
        self.name = name
        self.argv = argv
        folder.mkdir(parents=True, exist_ok=True)
        self.log_path = folder / f"{name}.log"
        self._log = self.log_path.open("ab")
        self.popen = subprocess.Popen(
            argv,
            cwd=folder,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def running(self) -> bool:
        return self.popen.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def _died(self) -> ProcessDied:
        return ProcessDied(
            f"{self.name} (pid {self.pid}) exited with {self.popen.returncode}:\n"
            + self.log()[-4000:]
        )

    async def wait_for_log(self, text: str, *, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        """Wait until ``text`` appears in the log; fail at once if the process ends."""

        def seen() -> bool:
            if text in self.log():
                return True
            if not self.running:
                raise self._died()
            return False

        try:
            await wait_until(seen, timeout=timeout, what=f"{self.name} logs {text!r}")
        except ProcessDied:
            raise
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n--- {self.name} log ---\n{self.log()[-4000:]}") from None

    async def exit_code(self, *, timeout: float = 30.0) -> int:  # noqa: ASYNC109
        """Wait for the process to end by itself; its exit code."""
        await wait_until(
            lambda: not self.running, timeout=timeout, what=f"{self.name} exits by itself"
        )
        self._log.close()
        return int(self.popen.returncode)

    def kill(self) -> None:
        """SIGKILL: no clean-up runs, as in a crash or an OOM kill."""
        if self.running:
            os.kill(self.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)
        self._log.close()

    def terminate(self, *, timeout: float = 15.0) -> int:
        """SIGTERM and wait (a clean stop); SIGKILL if it does not stop in time."""
        if self.running:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()
        return int(self.popen.returncode)


def companion(*args: str) -> list[str]:
    return [sys.executable, "-m", "bot", *args]


class SandboxProcess(Spawned):
    """``companion sandbox`` on a free loopback port."""

    def __init__(self, folder: Path) -> None:
        super().__init__(
            "sandbox",
            companion("sandbox", "--host", "127.0.0.1", "--port", "0"),
            clean_environment({}),
            folder,
        )
        self.base_url = ""

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Block until the sandbox prints its address (used from a synchronous fixture)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = LISTENING.search(self.log())
            if found and "Press Ctrl-C" in self.log():
                self.base_url = found.group(1)
                return
            if not self.running:
                raise self._died()
            time.sleep(0.05)
        raise AssertionError(f"the sandbox did not start within {timeout:g} s:\n{self.log()}")

    @property
    def bot_api_url(self) -> str:
        return f"{self.base_url}/bot"

    def client(self, token: str) -> SandboxClient:
        return SandboxClient(self.base_url, token)


@dataclass(frozen=True)
class Deployment:
    """What one or more ``companion run`` processes are given, and the same as ``Settings``.

    ``values`` are settings by field name (``tick_seconds``, ``database_url``, ...); the
    processes get them as ``COMPANION_*`` variables, the test reads them with ``settings()``.
    """

    folder: Path
    token: str
    bot_api_url: str
    values: Mapping[str, str] = field(default_factory=dict)

    def all_values(self) -> dict[str, str]:
        return {
            "data_dir": str(self.folder / "data"),
            "telegram_token": self.token,
            "telegram_base_url": self.bot_api_url,
            **self.values,
        }

    def environment(self) -> dict[str, str]:
        return {f"COMPANION_{name.upper()}": value for name, value in self.all_values().items()}

    def settings(self) -> Settings:
        values: dict[str, Any] = self.all_values()
        return load_settings(**values)

    def with_values(self, **values: str) -> Deployment:
        return Deployment(self.folder, self.token, self.bot_api_url, {**self.values, **values})

    @property
    def sqlite_file(self) -> Path:
        return self.folder / "data" / "companion.db"


class BotProcess(Spawned):
    """``companion run`` (polling, or ``--webhook``) for a deployment."""

    def __init__(self, deployment: Deployment, name: str = "bot", *args: str) -> None:
        super().__init__(
            name,
            companion("run", *args),
            clean_environment(deployment.environment()),
            deployment.folder,
        )
        self.deployment = deployment

    async def wait_started(self, *, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        """Wait until the bot has said hello to Telegram (getMe, commands) and runs."""
        await self.wait_for_log(STARTED, timeout=timeout)


class Processes:
    """Starts processes for one test and SIGKILLs whatever is still running at the end."""

    def __init__(self) -> None:
        self.started: list[Spawned] = []
        self._names: dict[str, int] = {}

    def _name(self, base: str) -> str:
        self._names[base] = self._names.get(base, 0) + 1
        return base if self._names[base] == 1 else f"{base}-{self._names[base]}"

    def bot(self, deployment: Deployment, *args: str, name: str = "bot") -> BotProcess:
        process = BotProcess(deployment, self._name(name), *args)
        self.started.append(process)
        return process

    async def started_bot(
        self, deployment: Deployment, *args: str, name: str = "bot"
    ) -> BotProcess:
        process = self.bot(deployment, *args, name=name)
        await process.wait_started()
        return process

    def kill_all(self) -> None:
        for process in self.started:
            if process.running:
                process.kill()
