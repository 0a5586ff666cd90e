"""Engine creation, SQLite pragmas, and schema-version checks."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool


class SchemaError(Exception):
    """The database is empty or not at the schema this version needs."""


class DatabaseUnreachable(Exception):
    """The configured database cannot be opened: it does not exist, the server refuses the
    role, nobody answers at that address, or the SQLite file cannot be created. ``str()``
    is one sentence saying what to do; it never carries the password."""


# SQLSTATEs a PostgreSQL server answers a connection attempt with
_NO_DATABASE = "3D000"  # invalid_catalog_name
_REFUSED = {
    "28000",  # invalid_authorization_specification: no such role, or pg_hba.conf says no
    "28P01",  # invalid_password
    "42501",  # insufficient_privilege: the role may not connect to this database
}
# what SQLite says when the file or its folder cannot be created or written
_SQLITE_UNUSABLE = ("unable to open", "readonly", "read-only")


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
        try:
            _private_file(sqlite_file)
        except OSError as exc:
            raise _sqlite_unusable(sqlite_file, exc) from None
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


async def ensure_reachable(db: Database) -> None:
    """Connect once, so a database that is not there fails here with one clear sentence
    (:class:`DatabaseUnreachable`) instead of deep inside a migration."""
    try:
        async with db.engine.connect():
            pass
    except Exception as exc:
        problem = unreachable(exc, db.url)
        if problem is None:
            raise
        raise problem from None


def unreachable(exc: BaseException, url: str) -> DatabaseUnreachable | None:
    """What a failed first connection to ``url`` means, with what to do; None if ``exc``
    is not a connection failure."""
    parsed = make_url(url)
    sqlite_file = _sqlite_file(url)
    for cause in _causes(exc):
        if sqlite_file is not None and _sqlite_cannot_open(cause):
            return _sqlite_unusable(sqlite_file, cause)
        if sqlite_file is not None:
            continue
        state = getattr(cause, "sqlstate", None)
        if state == _NO_DATABASE:
            return DatabaseUnreachable(_no_database(parsed))
        if state in _REFUSED:
            return DatabaseUnreachable(_refused(parsed, str(cause).splitlines()[0]))
        if isinstance(cause, OSError):  # refused, unknown host, unreachable network
            reason = (
                "connection refused"
                if isinstance(cause, ConnectionRefusedError)
                else cause.strerror or str(cause) or type(cause).__name__
            )
            return DatabaseUnreachable(
                f"cannot reach PostgreSQL at {_server(parsed)} ({reason}): is the server "
                "running, and are the host and port in COMPANION_DATABASE_URL right?"
            )
    return None


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc``, the driver error SQLAlchemy wraps, and what caused each."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)
        pending.extend([orig if isinstance(orig, BaseException) else None, current.__cause__])


def _server(url: URL) -> str:
    return f"{url.host or 'localhost'}:{url.port or 5432}"


def _no_database(url: URL) -> str:
    name = url.database or "companion"
    user = f" -U {url.username}" if url.username else ""
    return (
        f"PostgreSQL at {_server(url)} has no database {name!r}: create it "
        f"(psql: CREATE DATABASE {name}; or createdb -h {url.host or 'localhost'} "
        f"-p {url.port or 5432}{user} {name}), then run `clinician init` "
        "(or `companion migrate`)"
    )


def _refused(url: URL, said: str) -> str:
    role = url.username or "companion"
    return (
        f"PostgreSQL at {_server(url)} refused the connection ({said}): check the user "
        f"and password in COMPANION_DATABASE_URL, or create the role (psql: CREATE ROLE "
        f"{role} LOGIN PASSWORD '...'; GRANT ALL ON DATABASE {url.database or 'companion'} "
        f"TO {role};)"
    )


def _sqlite_cannot_open(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return True
    return isinstance(exc, sqlite3.OperationalError) and any(
        words in str(exc) for words in _SQLITE_UNUSABLE
    )


def _sqlite_unusable(path: Path, exc: BaseException) -> DatabaseUnreachable:
    reason = (exc.strerror if isinstance(exc, OSError) else None) or str(exc)
    return DatabaseUnreachable(
        f"cannot open the SQLite database {path} ({reason}): set COMPANION_DATA_DIR "
        "(or COMPANION_DATABASE_URL) to a folder this user can write"
    )


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
