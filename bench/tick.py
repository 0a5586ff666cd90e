"""Benchmark 2: one scheduler tick that finds 10,000 check-ins due.

Target: ``TickService.materialise_due`` turns 10,000 due schedules (among 200,000) into
10,000 check-in rows and 10,000 outbox rows and advances the schedules, in at most 2 s,
on SQLite and on PostgreSQL. The same 10,000 schedules are made due again twice more, each
time a new occurrence; the verdict is on the worst of the three ticks. A tick with nothing
due is timed too.

Then the same schedules are made due once more and a tick runs beside a probe that does
what the rest of the bot does meanwhile (small write transactions, like storing an update
or marking a message sent, on the same event loop): how long the loop stalled and how long
such a write had to wait tell how much a big tick can delay an SOS in the same process.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, update

from bench.databases import fresh_database
from bench.report import Result, say
from bench.scale import Scale
from bench.seeding import TIMES, add_team, seed_patients
from bot.bootstrap import Services, build_services
from bot.runtime.app import settle_memory
from bot.store.tables import CheckinRow, OutboxRow, ScheduleRow
from bot.store.uow import Store

TARGET_SECONDS = 2.0
RUNS = 3  # measured ticks; the verdict is on the worst
PROBE_EVERY = 0.02  # seconds between the probe's small writes


async def _count(store: Store, query: object) -> int:
    async with store.db.engine.connect() as conn:
        return int(await conn.scalar(query) or 0)  # type: ignore[call-overload]


def _due_now() -> object:
    now = datetime.now(UTC)
    return select(func.count()).select_from(ScheduleRow).where(ScheduleRow.next_due_utc <= now)


async def _make_due_again(store: Store, patient_ids: list[str], at: datetime) -> None:
    """The first schedule of these patients is due again (a new occurrence, ``at``)."""
    async with store.db.engine.begin() as conn:
        for start in range(0, len(patient_ids), 500):
            await conn.execute(
                update(ScheduleRow)
                .where(
                    ScheduleRow.patient_id.in_(patient_ids[start : start + 500]),
                    ScheduleRow.local_time == TIMES[0],
                )
                .values(next_due_utc=at)
            )


async def _stalls(stop: asyncio.Event) -> float:
    """The longest the event loop was late to wake a sleeper, until ``stop``."""
    loop = asyncio.get_running_loop()
    worst = 0.0
    while not stop.is_set():
        slept = loop.time()
        await asyncio.sleep(PROBE_EVERY)
        worst = max(worst, loop.time() - slept - PROBE_EVERY)
    return worst


async def _writes(store: Store, stop: asyncio.Event) -> tuple[float, int]:
    """Small write transactions until ``stop``: (the longest one, how many)."""
    worst, count = 0.0, 0
    while not stop.is_set():
        await asyncio.sleep(PROBE_EVERY)
        started = time.perf_counter()
        async with store.uow() as uow:
            await uow.meta.set("bench_probe", str(count))
            await uow.commit()
        worst = max(worst, time.perf_counter() - started)
        count += 1
    return worst, count


async def _tick_beside_probe(services: Services) -> tuple[float, float, float, int]:
    """(tick seconds, worst loop stall, worst small write, writes made) for one tick."""
    stop = asyncio.Event()
    stalls = asyncio.create_task(_stalls(stop))
    writes = asyncio.create_task(_writes(services.store, stop))
    await asyncio.sleep(0.2)  # the probes are running before the tick starts
    started = time.perf_counter()
    try:
        await services.ticks.materialise_due()
    finally:
        seconds = time.perf_counter() - started
        stop.set()
    write, count = await writes
    return seconds, await stalls, write, count


async def measure_tick(backend: str, scale: Scale, workdir: Path) -> Result:
    async with fresh_database(backend, workdir) as bdb:
        now = datetime.now(UTC)
        population = await add_team(bdb.store, now)
        await seed_patients(bdb.store, population, scale.patients, now=now, due=scale.due)
        say(
            f"  {backend}: seeded {len(population.patient_ids):,} patients, "
            f"{population.due:,} schedules due, in {population.seconds:.1f} s"
        )
        services = build_services(bdb.store, bdb.settings())
        settle_memory()  # as `companion run` does once started
        due = await _count(bdb.store, _due_now())
        walls: list[float] = []
        cpus: list[float] = []
        created: list[int] = []
        for run in range(RUNS):
            if run:  # the same schedules fall due again: a new occurrence each
                await _make_due_again(
                    bdb.store,
                    population.patient_ids[: population.due],
                    datetime.now(UTC) - timedelta(minutes=1),
                )
            started = time.perf_counter()
            cpu = time.process_time()
            report = await services.ticks.materialise_due()
            walls.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
            created.append(report.created)
            if run == 0:
                started = time.perf_counter()
                idle = await services.ticks.materialise_due()
                idle_seconds = time.perf_counter() - started
                checkins = await _count(bdb.store, select(func.count()).select_from(CheckinRow))
                outbox = await _count(bdb.store, select(func.count()).select_from(OutboxRow))
                still_due = await _count(bdb.store, _due_now())
        await _make_due_again(
            bdb.store, population.patient_ids[: population.due], now - timedelta(minutes=2)
        )
        beside, stall, write, writes = await _tick_beside_probe(services)
    seconds = max(walls)
    cpu_seconds = statistics.median(cpus)
    correct = (
        created[0] == checkins == outbox == due == population.due
        and still_due == 0
        and all(count == population.due for count in created)
    )
    notes = [] if correct else ["the tick did not create exactly one check-in per due schedule"]
    return Result(
        benchmark="tick",
        case=backend,
        figures={
            "schedule_rows": population.schedules,
            "due": due,
            "tick_s": round(seconds, 3),
            "tick_s_median": round(statistics.median(walls), 3),
            "tick_s_runs": ", ".join(f"{w:.2f}" for w in walls),
            "tick_cpu_s": round(cpu_seconds, 3),
            "checkins_created": created[0],
            "checkin_rows": checkins,
            "outbox_rows": outbox,
            "schedules_still_due": still_due,
            "per_checkin_ms": round(statistics.median(walls) / max(1, created[0]) * 1000, 3),
            "idle_tick_s": round(idle_seconds, 4),
            "idle_tick_created": idle.created,
            "tick_beside_probe_s": round(beside, 3),
            "probe_writes_during_tick": writes,
            "probe_worst_loop_stall_s": round(stall, 3),
            "probe_worst_write_s": round(write, 3),
        },
        target=f"{population.due:,} due materialised in <= {TARGET_SECONDS:g} s",
        met=correct and seconds <= TARGET_SECONDS,
        summary=(
            f"{created[0]:,} check-ins + outbox rows among {population.schedules:,} "
            f"schedules in {seconds:.2f} s (worst of {RUNS}; median "
            f"{statistics.median(walls):.2f} s, CPU {cpu_seconds:.2f} s); "
            f"idle tick {idle_seconds * 1000:.0f} ms; meanwhile a small write waited up to "
            f"{write:.2f} s"
        ),
        notes=notes,
    )


async def run(scale: Scale, backends: list[str], workdir: Path) -> list[Result]:
    return [await measure_tick(backend, scale, workdir / backend) for backend in backends]
