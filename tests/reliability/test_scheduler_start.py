"""When scheduler jobs first run after an instance starts leading.

With the first run one interval after each start, a bot restarted (or handed over) more
often than every hour would never check silences, expire consents or purge the inbox. With
every job at once on each start, a restart would repeat heavy jobs (the plan review reads
every active patient) just when the tick is busiest. So rare jobs remember their last run.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

import scheduler.jobs
from bot.bootstrap import Services, build_services
from bot.config import load_settings
from bot.services.clock import ManualClock, SystemClock
from bot.store.uow import Store
from scheduler.jobs import build_scheduler, first_run, last_runs, tick_table
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


START = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("every", "last", "first"),
    [
        (30.0, None, START),  # frequent: at once
        (3600.0, START - timedelta(hours=3), START),  # overdue: at once
        (3600.0, START - timedelta(minutes=20), START + timedelta(minutes=40)),  # not yet
        (6 * 3600.0, START, START + timedelta(hours=6)),  # just ran (or first start)
    ],
)
def test_a_jobs_first_run_follows_its_last_run(
    every: float, last: datetime | None, first: datetime
) -> None:
    assert first_run(START, every, last) == first


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_rare_jobs_remember_their_last_run_across_restarts(
    store: Store, backend: str
) -> None:
    clock = ManualClock(START)
    services = build_services(store, load_settings(), clock)
    first_start = await last_runs(services)
    assert first_start["plans.review"] == START  # nothing to catch up on yet
    assert "checkins.due" not in first_start  # frequent jobs start at once anyway
    clock.advance(timedelta(hours=7))
    job = build_scheduler(services, lambda: None, first_start).get_job("plans.review")
    assert job is not None
    await job.func()
    clock.advance(timedelta(minutes=5))
    assert (await last_runs(services))["plans.review"] == START + timedelta(hours=7)
