"""Run in a fresh process: the approach we did not take, one APScheduler job per schedule.

Builds an ``AsyncIOScheduler`` with its default in-memory job store, adds one
``CronTrigger`` job per check-in schedule (two a day per patient, in the patient's time
zone), starts it, and prints one JSON line with the phases and peak RSS. The schedules
are made up in memory: reading them from a database first would only add to the time.

    python -m bench.apscheduler_child 200000
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import asyncio  # noqa: E402 - the clock starts before the imports on purpose
import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from typing import Any  # noqa: E402

from bench.zones import ZONES  # noqa: E402

HOURS = (9, 20)


async def send_checkin(patient_id: str) -> None:
    """What each job would do (never runs here: no job is due during the benchmark)."""


def _since_start() -> float:
    return round(time.perf_counter() - STARTED, 4)


async def load(jobs: int) -> dict[str, Any]:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler
    from apscheduler.triggers.cron import CronTrigger

    phases: dict[str, float] = {"imported": _since_start()}
    scheduler = AsyncIOScheduler(timezone="UTC")
    for number in range(jobs):
        patient = number // len(HOURS)
        trigger = CronTrigger(
            hour=HOURS[number % len(HOURS)], minute=0, timezone=ZONES[patient % len(ZONES)]
        )
        scheduler.add_job(
            send_checkin,
            trigger,
            args=[f"patient-{patient:06d}"],
            id=f"checkin-{number:06d}",
            misfire_grace_time=7200,
            coalesce=True,
        )
    phases["jobs_added"] = _since_start()
    scheduler.start()  # pending jobs go into the job store, each with its next run time
    await asyncio.sleep(0)
    phases["ready"] = _since_start()
    report = {
        "phases": phases,
        "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "jobs": len(scheduler.get_jobs()),
    }
    print(json.dumps(report), flush=True)
    scheduler.shutdown(wait=False)
    return report


def main() -> None:
    asyncio.run(load(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000))


if __name__ == "__main__":
    main()
