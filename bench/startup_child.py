"""Run in a fresh process: everything ``companion run`` does before it talks to Telegram.

Settings come from ``COMPANION_*`` variables, as for ``companion run``. The process
opens the store (schema and keys checked), builds the services and the bot runtime
(python-telegram-bot application, dispatcher, poller; no request is made), settles memory
as ``companion run`` does (``settle_memory``), takes the SQLite instance lock, reads when
the rare jobs last ran, registers the scheduler's jobs and starts the scheduler. Then it
prints one JSON line (its phases in seconds since the interpreter started running this
module, its peak RSS and the number of jobs) and shuts everything down again.

    python -m bench.startup_child
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import asyncio  # noqa: E402 - the clock starts before the imports on purpose
import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from typing import Any  # noqa: E402


def _since_start() -> float:
    return round(time.perf_counter() - STARTED, 4)


async def ready() -> dict[str, Any]:
    phases: dict[str, float] = {}
    from bot.bootstrap import build_services, open_store
    from bot.config import load_settings
    from bot.runtime.app import BotRuntime, make_bot, settle_memory
    from scheduler.jobs import build_scheduler, last_runs
    from scheduler.leader import SqliteLock

    phases["imported"] = _since_start()
    settings = load_settings()
    bot = make_bot(settings)
    opened = await open_store(settings)
    phases["store_opened"] = _since_start()
    services = build_services(opened.store, settings)
    lock = SqliteLock(settings.resolved_database_url) if opened.store.db.is_sqlite else None
    if lock is not None:
        lock.acquire()
    runtime = BotRuntime(services, bot)
    settle_memory()
    phases["services_built"] = _since_start()
    scheduler = build_scheduler(services, runtime.dispatcher.wake, await last_runs(services))
    scheduler.start()
    phases["ready"] = _since_start()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report = {
        "phases": phases,
        "peak_rss_kb": peak_kb,
        "jobs": sorted(j.id for j in scheduler.get_jobs()),
    }
    print(json.dumps(report), flush=True)
    scheduler.shutdown(wait=False)
    if lock is not None:
        lock.release()
    await opened.store.close()
    return report


def main() -> None:
    asyncio.run(ready())
    sys.stdout.flush()


if __name__ == "__main__":
    main()
