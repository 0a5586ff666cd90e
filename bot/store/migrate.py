"""Schema migrations (Alembic) run programmatically on our own async engine."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from bot.store.database import Database, SchemaError

MIGRATIONS = Path(__file__).parent / "migrations"


def _config(connection: Any = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        raise SchemaError("no migrations are installed")
    return head


@dataclass(frozen=True)
class SchemaStatus:
    current: str | None
    head: str

    @property
    def empty(self) -> bool:
        return self.current is None

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


async def schema_status(db: Database) -> SchemaStatus:
    def read(sync_connection: Any) -> str | None:
        return MigrationContext.configure(sync_connection).get_current_revision()

    async with db.engine.connect() as connection:
        current = await connection.run_sync(read)
    return SchemaStatus(current=current, head=head_revision())


async def upgrade(db: Database, revision: str = "head") -> SchemaStatus:
    """Bring the database to ``revision`` (default head); safe to run repeatedly."""

    def run(sync_connection: Any) -> None:
        command.upgrade(_config(sync_connection), revision)

    async with db.engine.begin() as connection:
        await connection.run_sync(run)
    return await schema_status(db)


async def require_current_schema(db: Database) -> None:
    """Refuse to start on an empty or out-of-date database, saying how to fix it."""
    status = await schema_status(db)
    if status.empty:
        raise SchemaError(
            "the database has no Relapse Companion tables yet; run `clinician init` "
            "(or `companion migrate`) first"
        )
    if not status.up_to_date:
        raise SchemaError(
            f"the database schema is at revision {status.current}, this version needs "
            f"{status.head}; back up the database, then run `companion migrate`"
        )
