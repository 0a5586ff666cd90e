"""Alembic environment: always given a live connection by bot.store.migrate."""

from __future__ import annotations

from alembic import context

from bot.store.tables import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - guarded by bot.store.migrate
    raise RuntimeError("run migrations with `companion migrate`, not the alembic command")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
