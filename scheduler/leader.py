"""One leader processes, sends and ticks; other instances wait as standbys.

PostgreSQL: a session-level advisory lock held on a dedicated connection (not from the
pool), checked every few seconds; if the connection dies the lock is gone and this
instance stops leading. The server drops the session of a leader that vanished (a network
partition, a powered-off host) within about a minute thanks to TCP keepalives set on that
connection (``KEEPALIVES``), so a standby takes over then rather than after the kernel's
default two hours. The same connection listens for "an update was stored" notices, so
updates a standby receives by webhook are processed by the leader at once.

SQLite: a second ``companion run`` on the same database file is refused with a clear
message (an exclusive ``flock`` on a lock file beside it).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from bot.store.database import Database
from bot.store.repositories.inbox import INBOX_CHANNEL

log = logging.getLogger(__name__)
LOCK_KEY = 0x52_43_4F_4D  # "RCOM"
# server-side settings of the lock's connection: an idle session is probed after 15 s, every
# 5 s, and dropped after 3 unanswered probes; data left unacknowledged for 30 s drops it too
KEEPALIVES = {
    "tcp_keepalives_idle": "15",
    "tcp_keepalives_interval": "5",
    "tcp_keepalives_count": "3",
    "tcp_user_timeout": "30000",  # milliseconds
}


class AlreadyRunning(Exception):
    """Another instance holds the SQLite database."""


class SqliteLock:
    def __init__(self, url: str) -> None:
        database = make_url(url).database or "companion.db"
        self.path = Path(f"{database}.lock")
        self._handle: Any = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise AlreadyRunning(
                f"another `companion run` (pid {holder}) is already using this SQLite database "
                f"({self.path.with_suffix('')}). SQLite deployments run one instance; stop the "
                "other one, or use PostgreSQL for standbys."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


class PostgresLeader:
    """Advisory lock on a dedicated connection; ``run`` keeps ``leading`` up to date."""

    def __init__(
        self,
        db: Database,
        *,
        retry: float = 5.0,
        check: float = 5.0,
        on_inbox: Callable[[], None] | None = None,
    ) -> None:
        self._db = db
        self._retry = retry
        self._check = check
        self._on_inbox = on_inbox
        self._connection: Any = None
        self.leading = asyncio.Event()
        self.lost = asyncio.Event()

    async def connect(self) -> Any:
        """A dedicated connection (not from SQLAlchemy's pool), with ``KEEPALIVES``."""
        import asyncpg

        url = make_url(self._db.url)
        return await asyncpg.connect(
            host=url.host,
            port=url.port or 5432,
            user=url.username,
            password=url.password,
            database=url.database,
            server_settings=KEEPALIVES,
        )

    async def _try(self) -> bool:
        self._connection = await self.connect()
        got = await self._connection.fetchval("SELECT pg_try_advisory_lock($1)", LOCK_KEY)
        if not got:
            await self._connection.close()
            self._connection = None
            return False
        if self._on_inbox is not None:
            wake = self._on_inbox
            await self._connection.add_listener(INBOX_CHANNEL, lambda *_: wake())
        return True

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                if self._connection is None:
                    if await self._try():
                        log.info("leader.acquired")
                        self.lost.clear()
                        self.leading.set()
                else:
                    await asyncio.wait_for(self._connection.fetchval("SELECT 1"), self._check)
            except Exception as exc:
                log.warning("leader.lost error=%s", type(exc).__name__)
                await self._drop()
            await asyncio.sleep(self._check if self.leading.is_set() else self._retry)
        await self._drop()

    async def _drop(self) -> None:
        was_leading = self.leading.is_set()
        self.leading.clear()
        if was_leading:
            self.lost.set()
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()
            self._connection = None
