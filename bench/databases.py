"""Fresh, migrated databases with keys for one benchmark: a SQLite file or a PostgreSQL db.

PostgreSQL is used when ``COMPANION_BENCH_POSTGRES_URL`` (or, as the tests do,
``COMPANION_TEST_POSTGRES_URL``) names a server and a database to connect to for
``CREATE DATABASE``; each benchmark gets its own database, dropped afterwards.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench.processes import workdir_ready
from bot.config import Settings, load_settings
from bot.store.crypto import KeyRing
from bot.store.database import Database, execute_outside_transaction, open_database
from bot.store.keyfile import create_key_file
from bot.store.keys import check_or_initialise
from bot.store.migrate import upgrade
from bot.store.uow import Store

BENCH_ENV = "COMPANION_BENCH_POSTGRES_URL"
TEST_ENV = "COMPANION_TEST_POSTGRES_URL"
# A token of the right shape for settings; nothing in the start-up benchmark calls Telegram.
FAKE_TOKEN = "123456:BENCHMARKxTOKENxNOTxREALxABCDEFG"  # noqa: S105


def postgres_admin_url() -> str | None:
    return os.environ.get(BENCH_ENV) or os.environ.get(TEST_ENV) or None


def backends(wanted: str | None = None) -> list[str]:
    """SQLite always; PostgreSQL when a server is configured (or only the one asked for)."""
    available = ["sqlite"] + (["postgres"] if postgres_admin_url() else [])
    if wanted is None:
        return available
    return [b for b in available if b == wanted]


async def postgres_version() -> str | None:
    admin = postgres_admin_url()
    if admin is None:
        return None
    db = open_database(admin)
    try:
        async with db.engine.connect() as conn:
            return str(await conn.scalar(text("SHOW server_version")))
    except Exception:
        return None
    finally:
        await db.dispose()


@dataclass
class BenchDatabase:
    """A migrated database with a key file and its open store."""

    backend: str
    url: str
    key_file: Path
    workdir: Path
    store: Store

    @property
    def db(self) -> Database:
        return self.store.db

    @property
    def ring(self) -> KeyRing:
        return self.store.ring

    def settings(self, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "database_url": self.url,
            "key_file": self.key_file,
            "data_dir": self.workdir,
            "telegram_token": FAKE_TOKEN,
        }
        return load_settings(**{**values, **overrides})

    def environment(self) -> dict[str, str]:
        """The same settings as ``COMPANION_*`` variables, for a ``companion`` subprocess."""
        return {
            "COMPANION_DATABASE_URL": self.url,
            "COMPANION_KEY_FILE": str(self.key_file),
            "COMPANION_DATA_DIR": str(self.workdir),
            "COMPANION_TELEGRAM_TOKEN": FAKE_TOKEN,
        }


@asynccontextmanager
async def fresh_database(backend: str, workdir: Path) -> AsyncIterator[BenchDatabase]:
    """An empty database at the current schema, a new key file, and a store on them."""
    workdir = workdir_ready(workdir)
    admin = postgres_admin_url()
    name = None
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{workdir / 'companion.db'}"
    elif backend == "postgres" and admin is not None:
        name = f"companion_bench_{secrets.token_hex(4)}"
        await execute_outside_transaction(admin, f'CREATE DATABASE "{name}"')
        url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    else:
        raise ValueError(f"backend {backend!r} is not available (set {BENCH_ENV})")
    db = open_database(url)
    try:
        await upgrade(db)
        key_file = create_key_file(workdir / "keys.json")
        ring = key_file.ring()
        await check_or_initialise(db, ring, create=True)
        yield BenchDatabase(backend, url, key_file.path, workdir, Store(db, ring))
    finally:
        await db.dispose()
        if name is not None and admin is not None:
            await execute_outside_transaction(
                admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
            )
