"""The leader's lock connection: dropped by the server soon after the leader vanishes, and
a doorbell for updates that any instance stores."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest

from bot.services.clock import SystemClock
from bot.services.inbox import InboxService
from bot.store.database import Database, open_database
from bot.store.uow import Store
from scheduler.leader import PostgresLeader
from tests.reliability.processes import wait_until

pytestmark = pytest.mark.postgres


@pytest.fixture
async def postgres(postgres_url: str) -> AsyncIterator[Database]:
    db = open_database(postgres_url)
    try:
        yield db
    finally:
        await db.dispose()


async def test_a_vanished_leaders_session_is_dropped_by_the_server_within_a_minute(
    postgres: Database,
) -> None:
    """After a network partition nobody closes the lock's connection; the server's TCP
    keepalives find it dead (idle + interval x count) and end the session, releasing the
    advisory lock. PostgreSQL's default would leave it for two hours."""
    connection = await PostgresLeader(postgres).connect()
    try:
        idle, interval, count, unacknowledged = [
            int(await connection.fetchval(f"SHOW {name}"))
            for name in (
                "tcp_keepalives_idle",
                "tcp_keepalives_interval",
                "tcp_keepalives_count",
                "tcp_user_timeout",
            )
        ]
    finally:
        await connection.close()
    assert 0 < idle + interval * count <= 60
    assert 0 < unacknowledged <= 60_000  # milliseconds


@pytest.mark.parametrize("backend", ["postgres"])  # SQLite runs one instance only
async def test_an_update_stored_by_any_instance_wakes_the_leaders_processor(
    postgres: Database, store: Store, backend: str
) -> None:
    woken = asyncio.Event()
    leader = PostgresLeader(postgres, retry=0.05, check=0.05, on_inbox=woken.set)
    stop = asyncio.Event()
    running = asyncio.create_task(leader.run(stop))
    try:
        await wait_until(leader.leading.is_set, timeout=10, what="the lock is taken")
        standby = InboxService(store.uow, SystemClock())  # another instance's inbox
        await standby.receive([{"update_id": 77}])
        await wait_until(woken.is_set, timeout=10, what="the leader hears of the update")
    finally:
        stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await running
