"""Engine creation, SQLite pragmas, and schema-version checks."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool


class SchemaError(Exception):
    """The database is empty or not at the schema this version needs."""


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _configure_sqlite(engine: AsyncEngine) -> None:
    """WAL, foreign keys, secure delete, a busy timeout, and BEGIN IMMEDIATE everywhere.

    ``secure_delete`` overwrites deleted and replaced content with zeros, so a destroyed
    data key does not linger in the file's free space (older copies of a page can still
    sit in the WAL file until a checkpoint: see docs/security.md).

    ``BEGIN IMMEDIATE`` takes the write lock up front, so a transaction that reads and
    then writes never fails half-way with SQLITE_BUSY when another process (the CLI
    beside the bot) committed in between; it waits up to ``busy_timeout`` instead.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


@dataclass
class Database:
    """An engine and its session factory; the only holder of connections."""

    url: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    async def dispose(self) -> None:
        await self.engine.dispose()


def open_database(url: str, *, echo: bool = False, pool_size: int = 5) -> Database:
    """Create the engine (no connection is made yet); SQLite folders are created."""
    sqlite_file = _sqlite_file(url)
    # hide_parameters: SQL errors never carry values (ids, blind indexes) into logs
    kwargs: dict[str, Any] = {"echo": echo, "hide_parameters": True}
    if sqlite_file is not None:
        _private_file(sqlite_file)
        kwargs["poolclass"] = NullPool if pool_size == 0 else None
        kwargs = {k: v for k, v in kwargs.items() if v is not None}
    else:
        kwargs.update(pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)
    engine = create_async_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    sessions = async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
    return Database(url=url, engine=engine, sessions=sessions)


def _private_file(path: Path) -> None:
    """Create the database file readable by its owner only (0600, folder 0700).

    SQLite gives its -wal and -shm files the database file's permissions. An existing
    file or folder is left as the operator set it.
    """
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


async def execute_outside_transaction(url: str, statement: str) -> None:
    """Run one statement that cannot run in a transaction (``CREATE DATABASE``,
    ``DROP DATABASE``), on a connection of its own. For the test suite and benchmarks."""
    db = open_database(url)
    try:
        async with db.engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(statement))
    finally:
        await db.dispose()


async def table_names(db: Database) -> set[str]:
    async with db.engine.connect() as connection:
        return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
