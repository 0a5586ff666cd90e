"""Benchmark 4: how fast SOS reaches the patient while a bulk send is under way.

A tick has put routine check-in invitations for many patients in the outbox; the real
``companion run`` process is sending them through the sandbox (its own process, real
HTTP, Telegram's default limits: 30 messages/s, 1/s per chat after a burst of 3) at our
pace of 25/s. Meanwhile, patients press SOS one after another. Measured: from the press
(the sandbox's control API) until the crisis-lines message is in that patient's chat
(``wait_for_message``): long polling, the durable inbox, the handler, the outbox, and the
dispatcher putting priority 0 ahead of the bulk.

Target: every press answered within 2 s (worst and median reported).

A second case presses SOS every half second while the bot's own ``checkins.due`` job
turns 10,000 due schedules into check-ins: the worst moment for a crisis message, since
the tick writes in large transactions and works on the same event loop.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from bench.databases import fresh_database
from bench.report import Result, median, say
from bench.sandboxed import Telegram, running_bot, running_sandbox, started_users
from bench.scale import Scale
from bench.seeding import add_team, seed_patients
from bot.bootstrap import build_services
from bot.sandbox.models import SandboxUser
from bot.services import texts
from bot.store.tables import CheckinRow
from bot.store.uow import Store

TARGET_SECONDS = 2.0
TICK_EVERY = 2  # COMPANION_TICK_SECONDS for the tick case: the due job runs every 2 s
TICK_LEAD = timedelta(seconds=10)  # the schedules fall due this long after seeding
TICK_LEAD_SMALL = timedelta(seconds=4)  # enough for ``companion run`` to start at small scale
PRESS_EVERY = 0.5
CRISIS_PREFIX = texts.SOS_HEADER.split("{", 1)[0]
WAIT_SECONDS = 30.0
SENDING_STARTS_WITHIN = 60.0


async def _sending(telegram: Telegram, at_least: int) -> float:
    """Wait until the bot has sent ``at_least`` messages; returns when that was seen."""
    deadline = time.perf_counter() + SENDING_STARTS_WITHIN
    while await telegram.messages_sent() < at_least:
        if time.perf_counter() > deadline:
            raise TimeoutError(f"the bot sent fewer than {at_least} messages in time")
        await asyncio.sleep(0.05)
    return time.perf_counter()


async def _press_sos(telegram: Telegram, user: SandboxUser) -> float:
    """Seconds from pressing SOS until the crisis lines are in the chat (inf: never)."""
    started = time.perf_counter()
    await telegram.client.send_text(user.id, texts.SOS_BUTTON)
    while (left := WAIT_SECONDS - (time.perf_counter() - started)) > 0:
        try:
            message = await telegram.client.wait_for_message(user.chat_id, timeout=left)
        except TimeoutError:
            break
        if (message.text or "").startswith(CRISIS_PREFIX):
            return time.perf_counter() - started
    return float("inf")


async def measure_crisis(backend: str, scale: Scale, workdir: Path) -> Result:
    async with (
        running_sandbox(workdir / "sandbox") as telegram,
        fresh_database(backend, workdir / "bot") as bdb,
    ):
        people = await started_users(telegram, scale.crisis_bulk + 1, "Patient")
        clinician, patients = people[0], people[1:]
        now = datetime.now(UTC)
        population = await add_team(bdb.store, now, staff_chat_id=clinician.id)
        await seed_patients(
            bdb.store,
            population,
            len(patients),
            now=now,
            due=len(patients),
            chat_ids=[p.id for p in patients],
        )
        tick = await build_services(bdb.store, bdb.settings()).ticks.materialise_due()
        say(f"  {backend}: {tick.created:,} invitations in the outbox; starting companion run")
        base_sent = await telegram.messages_sent()
        async with running_bot(telegram, bdb.environment(), workdir / "bot"):
            bulk_started = await _sending(telegram, base_sent + min(25, tick.created // 4))
            sent_at_start = await telegram.messages_sent()
            step = max(1, len(patients) // (scale.crisis_presses + 1))
            latencies: list[float] = []
            progress: list[int] = []
            for number in range(scale.crisis_presses):
                progress.append(await telegram.messages_sent() - base_sent)
                latencies.append(await _press_sos(telegram, patients[(number + 1) * step]))
                await asyncio.sleep(scale.crisis_gap)
            sent_during = await telegram.messages_sent() - sent_at_start
            elapsed = time.perf_counter() - bulk_started
            stats = await telegram.stats()
    worst = max(latencies)
    under_way = all(done < tick.created for done in progress)
    notes = [] if under_way else ["the bulk send had finished before the last press"]
    return Result(
        benchmark="crisis",
        case=backend,
        figures={
            "bulk_invitations": tick.created,
            "presses": len(latencies),
            "latency_s_median": round(median(latencies), 3),
            "latency_s_worst": round(worst, 3),
            "latencies_s": ", ".join(f"{s:.3f}" for s in latencies),
            "bulk_sent_before_each_press": ", ".join(str(p) for p in progress),
            "messages_per_s_during_run": round(sent_during / elapsed, 1) if elapsed else None,
            "sandbox_429_answers": stats["too_many_requests"],
        },
        target=f"SOS to crisis lines <= {TARGET_SECONDS:g} s (worst press)",
        met=worst <= TARGET_SECONDS and under_way,
        summary=(
            f"{len(latencies)} presses during a {tick.created:,}-message bulk send: median "
            f"{median(latencies):.2f} s, worst {worst:.2f} s"
        ),
        notes=notes,
    )


async def _checkins_made(store: Store, expected: int, within: float = 15.0) -> int:
    """Check-ins in the database, once there are ``expected`` (or ``within`` s passed)."""
    deadline = time.perf_counter() + within
    while True:
        async with store.db.engine.connect() as conn:
            made = int(await conn.scalar(select(func.count()).select_from(CheckinRow)) or 0)
        if made >= expected or time.perf_counter() > deadline:
            return made
        await asyncio.sleep(0.2)


async def _press_later(telegram: Telegram, user: SandboxUser, delay: float) -> float:
    await asyncio.sleep(max(0.0, delay))
    return await _press_sos(telegram, user)


async def measure_crisis_during_tick(backend: str, scale: Scale, workdir: Path) -> Result:
    presses = int(scale.crisis_tick_window / PRESS_EVERY) + 1
    async with (
        running_sandbox(workdir / "sandbox") as telegram,
        fresh_database(backend, workdir / "bot") as bdb,
    ):
        people = await started_users(telegram, 1 + scale.crisis_tick_due + presses, "Patient")
        clinician, due_people = people[0], people[1 : 1 + scale.crisis_tick_due]
        sos_people = people[1 + scale.crisis_tick_due :]
        now = datetime.now(UTC)
        population = await add_team(bdb.store, now, staff_chat_id=clinician.id)
        due_at = datetime.now(UTC) + (TICK_LEAD if scale.full else TICK_LEAD_SMALL)
        await seed_patients(
            bdb.store,
            population,
            len(due_people),
            now=now,
            due=len(due_people),
            due_at=due_at,
            chat_ids=[p.id for p in due_people],
        )
        await seed_patients(
            bdb.store, population, len(sos_people), now=now, chat_ids=[p.id for p in sos_people]
        )
        extra = {"COMPANION_TICK_SECONDS": str(TICK_EVERY)}
        async with running_bot(telegram, bdb.environment(), workdir / "bot", extra):
            # presses from just before the schedules fall due until the window ends
            first = (due_at - datetime.now(UTC)).total_seconds() - 1.0
            latencies = await asyncio.gather(
                *(
                    _press_later(telegram, user, first + number * PRESS_EVERY)
                    for number, user in enumerate(sos_people)
                )
            )
            made = await _checkins_made(bdb.store, scale.crisis_tick_due)
    worst = max(latencies)
    return Result(
        benchmark="crisis",
        case=f"{backend}+tick",
        figures={
            "checkins_made_by_the_tick": made,
            "tick_every_s": TICK_EVERY,
            "presses": len(latencies),
            "press_every_s": PRESS_EVERY,
            "latency_s_median": round(median(latencies), 3),
            "latency_s_worst": round(worst, 3),
            "latencies_s": ", ".join(f"{s:.2f}" for s in latencies),
        },
        target=f"SOS to crisis lines <= {TARGET_SECONDS:g} s (worst press)",
        met=worst <= TARGET_SECONDS and made >= scale.crisis_tick_due,
        summary=(
            f"{len(latencies)} presses while a tick made {made:,} check-ins: median "
            f"{median(latencies):.2f} s, worst {worst:.2f} s"
        ),
        notes=[]
        if made >= scale.crisis_tick_due
        else ["the tick had not made every check-in when the presses ended"],
    )


async def run(scale: Scale, backends: list[str], workdir: Path) -> list[Result]:
    results = []
    for backend in backends:
        results.append(await measure_crisis(backend, scale, workdir / backend))
        results.append(
            await measure_crisis_during_tick(backend, scale, workdir / f"{backend}-tick")
        )
    return results
