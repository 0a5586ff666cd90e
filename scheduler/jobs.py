"""APScheduler wiring: interval jobs that call the tick use cases.

There is no job per patient (the database holds every schedule's next due time); these
few jobs run only while this instance is the leader. Each wakes the dispatcher after it
writes messages, so they go out at once.

Frequent jobs (every few seconds) start at once. Rare ones (every 5 minutes or more)
remember their last run in the database, so a restart or takeover neither postpones them
by a whole interval (restarts more often than hourly would mean they never run) nor
repeats a heavy run that has just happened.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.bootstrap import Services

log = logging.getLogger(__name__)

REMEMBERED = 300.0  # jobs at least this far apart keep their last run in the database


def _last_run_key(name: str) -> str:
    return f"job.{name}.last"


async def last_runs(services: Services) -> dict[str, datetime]:
    """When each rare job last ran; a job never seen before counts as run now."""
    now = services.clock.now()
    found: dict[str, datetime] = {}
    async with services.store.uow() as uow:
        for name, every, _ in tick_table(services):
            if every < REMEMBERED:
                continue
            stored = await uow.meta.get(_last_run_key(name))
            if stored is None:
                await uow.meta.set(_last_run_key(name), now.isoformat())
                found[name] = now
            else:
                found[name] = datetime.fromisoformat(stored)
        await uow.commit()
    return found


async def _remember_run(services: Services, name: str) -> None:
    async with services.store.uow() as uow:
        await uow.meta.set(_last_run_key(name), services.clock.now().isoformat())
        await uow.commit()


def _job(
    name: str,
    work: Callable[[], Awaitable[Any]],
    wake: Callable[[], None],
    remember: Callable[[], Awaitable[None]] | None = None,
) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        try:
            await work()
            if remember is not None:
                await remember()
        except Exception:
            log.exception("tick.failed job=%s", name)
        finally:
            wake()

    run.__name__ = name
    return run


def tick_table(services: Services) -> list[tuple[str, float, Callable[[], Awaitable[Any]]]]:
    """(name, every seconds, work): the whole clock of the system in one table."""
    every = float(services.settings.tick_seconds)
    retention = timedelta(days=services.settings.inbox_retention_days)
    return [
        ("checkins.due", every, services.ticks.materialise_due),
        ("checkins.remind_expire", every, services.ticks.remind_and_expire),
        ("coping.prompts", min(every, 10.0), services.coping.send_due_prompts),
        ("escalations.renotify", min(every, 30.0), services.escalations.renotify_due),
        ("patients.end_pauses", 300.0, services.ticks.end_pauses),
        ("patients.silence", 3600.0, services.ticks.silence),
        ("supporters.expire", 3600.0, services.supporters.expire),
        ("supporters.weekly", 3600.0, services.supporters.weekly_summaries),
        ("plans.review", 6 * 3600.0, services.plans.flag_reviews),
        ("inbox.purge", 6 * 3600.0, partial(services.inbox.purge, retention)),
    ]


def build_scheduler(
    services: Services,
    wake: Callable[[], None],
    last: Mapping[str, datetime] | None = None,
) -> AsyncIOScheduler:
    """The jobs of :func:`tick_table`, each first due at :func:`first_run`.

    ``last`` is :func:`last_runs` (without it every job starts at once).
    """
    scheduler = AsyncIOScheduler(timezone="UTC")
    start = datetime.now(UTC)
    for name, seconds, work in tick_table(services):
        remembered = last is not None and name in last
        scheduler.add_job(
            _job(name, work, wake, partial(_remember_run, services, name) if remembered else None),
            "interval",
            seconds=seconds,
            next_run_time=first_run(start, seconds, None if last is None else last.get(name)),
            id=name,
            name=name,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
    return scheduler


def first_run(start: datetime, every: float, last: datetime | None) -> datetime:
    """Now for frequent jobs; for rare ones one interval after the last run (now if overdue)."""
    if last is None:
        return start
    return max(start, last + timedelta(seconds=every))
