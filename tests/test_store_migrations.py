"""Migrations build the schema on empty databases; out-of-date databases are refused."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.store.database import (
    Database,
    SchemaError,
    execute_outside_transaction,
    open_database,
    table_names,
)
from bot.store.migrate import head_revision, require_current_schema, schema_status, upgrade
from bot.store.tables import Base
from tests.conftest import postgres_admin_url, skip_or_fail_without_postgres


@pytest.fixture
async def empty_database(backend: str, tmp_path: Path) -> AsyncIterator[Database]:
    """A database with nothing in it: a new SQLite file or a new PostgreSQL database."""
    if backend == "sqlite":
        db = open_database(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
        yield db
        await db.dispose()
        return
    admin = postgres_admin_url()
    if admin is None:
        skip_or_fail_without_postgres("COMPANION_TEST_POSTGRES_URL is not set")
    assert admin is not None
    name = f"companion_m_{secrets.token_hex(4)}"
    await execute_outside_transaction(admin, f'CREATE DATABASE "{name}"')
    db = open_database(make_url(admin).set(database=name).render_as_string(hide_password=False))
    try:
        yield db
    finally:
        await db.dispose()
        await execute_outside_transaction(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_an_empty_database_upgrades_to_head(empty_database: Database) -> None:
    status = await upgrade(empty_database)
    assert status.up_to_date and status.current == head_revision()
    expected = {t.name for t in Base.metadata.sorted_tables}
    assert expected <= await table_names(empty_database)


async def test_upgrading_twice_is_harmless(empty_database: Database) -> None:
    await upgrade(empty_database)
    status = await upgrade(empty_database)
    assert status.up_to_date


async def test_the_migrations_match_the_table_definitions(empty_database: Database) -> None:
    await upgrade(empty_database)

    def diff(sync_connection: Any) -> list[Any]:
        context = MigrationContext.configure(sync_connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    async with empty_database.engine.connect() as connection:
        differences = await connection.run_sync(diff)
    assert differences == []


async def test_starting_on_an_empty_database_says_to_initialise(
    empty_database: Database,
) -> None:
    with pytest.raises(SchemaError, match="clinician init"):
        await require_current_schema(empty_database)


async def test_starting_on_an_old_schema_says_to_migrate(empty_database: Database) -> None:
    await upgrade(empty_database)
    async with empty_database.engine.begin() as connection:
        await connection.execute(text("UPDATE alembic_version SET version_num = '0000old'"))
    status = await schema_status(empty_database)
    assert not status.up_to_date
    with pytest.raises(SchemaError, match="companion migrate"):
        await require_current_schema(empty_database)


async def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    db = open_database(f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
    try:
        async with db.engine.connect() as connection:
            mode = (await connection.execute(text("PRAGMA journal_mode"))).scalar()
            fks = (await connection.execute(text("PRAGMA foreign_keys"))).scalar()
    finally:
        await db.dispose()
    assert (mode, fks) == ("wal", 1)
