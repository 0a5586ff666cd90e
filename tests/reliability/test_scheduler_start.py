"""Every scheduler job runs as soon as an instance starts leading, then at its interval.

With the first run one interval after each start, a bot restarted (or handed over) more
often than every hour would never check silences, expire consents or purge the inbox.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

import scheduler.jobs
from bot.bootstrap import Services, build_services
from bot.config import load_settings
from bot.services.clock import SystemClock
from bot.store.uow import Store
from scheduler.jobs import build_scheduler, tick_table
from tests.reliability.processes import wait_until

Work = Callable[[], Awaitable[Any]]


@pytest.mark.parametrize("backend", ["sqlite"])  # the clock does not depend on the database
async def test_every_job_runs_at_once_when_the_scheduler_starts(
    store: Store, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = build_services(store, load_settings(), SystemClock())
    table = tick_table(services)
    ran: list[str] = []

    def recording(name: str) -> Work:
        async def work() -> None:
            ran.append(name)

        return work

    def same_intervals(_: Services) -> list[tuple[str, float, Work]]:
        return [(name, every, recording(name)) for name, every, _ in table]

    monkeypatch.setattr(scheduler.jobs, "tick_table", same_intervals)
    running = build_scheduler(services, lambda: None)
    running.start()
    try:
        await wait_until(lambda: len(ran) == len(table), timeout=10, what="every job has run once")
    finally:
        running.shutdown(wait=False)
    assert sorted(ran) == sorted(name for name, _, _ in table)
    assert {every for _, every, _ in table} >= {3600.0, 6 * 3600.0}  # the ones at stake
