"""Shared fixtures: real SQLite files, the real PostgreSQL, fictional people."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.store.crypto import KeyRing, generate_key
from bot.store.database import Database, execute_outside_transaction, open_database
from bot.store.keys import check_or_initialise
from bot.store.migrate import upgrade
from bot.store.tables import Base
from bot.store.uow import Store

POSTGRES_ENV = "COMPANION_TEST_POSTGRES_URL"
REQUIRE_ENV = "COMPANION_REQUIRE_POSTGRES"
T = TypeVar("T")


def postgres_admin_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


def skip_or_fail_without_postgres(reason: str) -> None:
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"PostgreSQL tests are required here but cannot run: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run, migrated to head, dropped after."""
    admin = postgres_admin_url()
    if admin is None:
        skip_or_fail_without_postgres(f"{POSTGRES_ENV} is not set")
    assert admin is not None
    name = f"companion_t_{secrets.token_hex(4)}"
    try:
        run_blocking(lambda: execute_outside_transaction(admin, f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        skip_or_fail_without_postgres(f"cannot create a test database: {exc}")
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)

    async def migrate() -> None:
        db = open_database(url)
        try:
            await upgrade(db)
        finally:
            await db.dispose()

    run_blocking(migrate)
    yield url
    run_blocking(
        lambda: execute_outside_transaction(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    )


def run_blocking(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to completion on its own loop in a worker thread.

    Session-scoped setup may be first requested from inside a running test loop.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


def new_ring() -> KeyRing:
    return KeyRing({"mk-test-1": generate_key()}, "mk-test-1", generate_key())


async def reset_postgres(db: Database) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with db.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        await conn.execute(
            text("INSERT INTO counters (name, value) VALUES ('patient', 0), ('escalation', 0)")
        )
        await conn.execute(
            text("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, :h)"), {"h": "0" * 64}
        )


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'companion.db'}"


@pytest.fixture
async def database(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[Database]:
    """A migrated, empty database on the parametrised backend."""
    if backend == "postgres":
        url = request.getfixturevalue("postgres_url")
        db = open_database(url)
        await reset_postgres(db)
    else:
        db = open_database(f"sqlite+aiosqlite:///{tmp_path / 'companion.db'}")
        await upgrade(db)
    try:
        yield db
    finally:
        await db.dispose()


@pytest.fixture
async def store(database: Database) -> Store:
    """A store with fresh keys on an empty database (SQLite and PostgreSQL)."""
    ring = new_ring()
    await check_or_initialise(database, ring, create=True)
    return Store(database, ring)


@pytest.fixture
def now() -> datetime:
    return datetime(2026, 3, 2, 14, 30, tzinfo=UTC)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    skipped = terminalreporter.stats.get("skipped", [])
    postgres = [r for r in skipped if "postgres" in getattr(r, "nodeid", "")]
    if postgres:
        terminalreporter.write_line(
            f"{len(postgres)} PostgreSQL tests skipped: set {POSTGRES_ENV} "
            "(e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test) to run them."
        )
