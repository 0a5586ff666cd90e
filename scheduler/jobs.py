"""APScheduler wiring: interval jobs that call the tick use cases.

There is no job per patient (the database holds every schedule's next due time); these
few jobs run only while this instance is the leader. Each wakes the dispatcher after it
writes messages, so they go out at once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.bootstrap import Services

log = logging.getLogger(__name__)


def _job(
    name: str, work: Callable[[], Awaitable[Any]], wake: Callable[[], None]
) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        try:
            await work()
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


def build_scheduler(services: Services, wake: Callable[[], None]) -> AsyncIOScheduler:
    """Every job runs once as soon as the scheduler starts, then at its interval.

    An interval's first run would otherwise come one whole interval after each start or
    takeover: with restarts more often than that, the hourly and 6-hourly jobs (silence,
    consent expiry, inbox purge) would never run at all. Each job is idempotent.
    """
    scheduler = AsyncIOScheduler(timezone="UTC")
    start = datetime.now(UTC)
    for name, seconds, work in tick_table(services):
        scheduler.add_job(
            _job(name, work, wake),
            "interval",
            seconds=seconds,
            next_run_time=start,
            id=name,
            name=name,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
    return scheduler
