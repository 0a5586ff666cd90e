"""Benchmark 3: the dispatcher's own cost per sent message.

The real ``Dispatcher`` and ``DeliveryService`` send a tick's worth of check-in
invitations from the real outbox through an in-memory ``BotApi`` (no network) with
pacing switched off, so what is measured is our code and the database: claiming rows,
decrypting payloads and chat ids, and recording each message as sent. A second case
sends through python-telegram-bot over real HTTP to the sandbox (its own process, its
limits off), adding the Bot API client's share.

Target: pacing (25 messages/s), not our code, is the limit: unpaced, the dispatcher
sends at least twice that fast (50 messages/s), leaving room for the rest of the bot on
the same cores. Reported with it: this process's CPU time per message, and the share of
one core that sending at Telegram's pace costs.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench.databases import BenchDatabase, fresh_database
from bench.report import Result, say
from bench.sandboxed import running_sandbox, started_users
from bench.scale import Scale
from bench.seeding import add_team, seed_patients
from bot.bootstrap import build_services
from bot.delivery.api import BotApi, PtbBotApi
from bot.delivery.channels import ChannelRouter
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.pacing import Pacer
from bot.domain.model import DeliveryStatus
from bot.runtime.app import make_bot, settle_memory
from bot.store.tables import OutboxRow

TELEGRAM_PACE = 25.0
HEADROOM = 2.0  # unpaced throughput / Telegram's pace


class MemoryBotApi:
    """Answers every call at once, as Telegram would on success."""

    def __init__(self) -> None:
        self.calls = 0

    async def call(self, method: str, params: dict[str, Any]) -> Any:
        self.calls += 1
        return {"message_id": self.calls, "chat": {"id": params.get("chat_id")}}


class Unpaced(Pacer):
    """No limits at all: every message may go now."""

    def wait(self, chat_id: int) -> float:
        return 0.0

    def take(self, chat_id: int) -> None:
        return None


class CountingBotApi:
    """Any ``BotApi``, counting the calls that succeeded."""

    def __init__(self, api: BotApi) -> None:
        self._api = api
        self.calls = 0

    async def call(self, method: str, params: dict[str, Any]) -> Any:
        result = await self._api.call(method, params)
        self.calls += 1
        return result


async def _send_all(
    bdb: BenchDatabase, count: int, api: BotApi, chat_ids: list[int] | None = None
) -> tuple[int, float, float, int]:
    """Seed ``count`` due patients, tick, send everything; (created, wall, cpu, sent rows)."""
    now = datetime.now(UTC)
    population = await add_team(bdb.store, now)
    await seed_patients(bdb.store, population, count, now=now, due=count, chat_ids=chat_ids)
    services = build_services(bdb.store, bdb.settings())
    settle_memory()  # as `companion run` does once started
    tick = await services.ticks.materialise_due()
    say(f"  {bdb.backend}: {tick.created:,} invitations waiting in the outbox")
    dispatcher = Dispatcher(services.delivery, api, Unpaced())
    started, cpu = time.perf_counter(), time.process_time()
    await dispatcher.run_until_idle(timeout=600)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu
    async with bdb.store.db.engine.connect() as conn:
        sent = await conn.scalar(
            select(func.count())
            .select_from(OutboxRow)
            .where(OutboxRow.status == DeliveryStatus.SENT.value)
        )
    return tick.created, seconds, cpu_seconds, int(sent or 0)


async def measure_dispatch(backend: str, scale: Scale, workdir: Path) -> Result:
    count = scale.dispatch_messages
    api = MemoryBotApi()
    async with fresh_database(backend, workdir) as bdb:
        created, seconds, cpu_seconds, sent = await _send_all(bdb, count, api)
    return _result(backend, count, api.calls, created, seconds, cpu_seconds, sent)


async def measure_dispatch_http(backend: str, scale: Scale, workdir: Path) -> Result:
    count = max(1, scale.dispatch_messages // 2)
    async with (
        running_sandbox(workdir / "sandbox") as telegram,
        fresh_database(backend, workdir / "bot") as bdb,
    ):
        await telegram.client.set_limits(enabled=False)
        people = await started_users(telegram, count, "Patient")
        settings = bdb.settings(
            telegram_token=telegram.token, telegram_base_url=telegram.bot_api_url
        )
        async with make_bot(settings) as bot:
            api = CountingBotApi(ChannelRouter(PtbBotApi(bot), settings))  # as BotRuntime
            created, seconds, cpu_seconds, sent = await _send_all(
                bdb, count, api, [p.id for p in people]
            )
        delivered = await telegram.messages_sent()
    result = _result(f"{backend}+http", count, api.calls, created, seconds, cpu_seconds, sent)
    result.figures["sandbox_messages"] = delivered
    if delivered != count:
        result.met = False
        result.notes.append("the sandbox did not receive every message")
    return result


def _result(
    case: str, count: int, calls: int, created: int, seconds: float, cpu_seconds: float, sent: int
) -> Result:
    cpu_ms = cpu_seconds / max(1, calls) * 1000
    rate = calls / seconds if seconds else 0.0
    correct = calls == sent == created == count
    return Result(
        benchmark="dispatch",
        case=case,
        figures={
            "messages": calls,
            "rows_marked_sent": sent,
            "wall_s": round(seconds, 2),
            "cpu_s": round(cpu_seconds, 2),
            "cpu_ms_per_message": round(cpu_ms, 3),
            "messages_per_s": round(rate, 1),
            "core_share_at_25_per_s": f"{cpu_ms * TELEGRAM_PACE / 10:.1f}%",
            "headroom_over_25_per_s": f"{rate / TELEGRAM_PACE:.0f}x",
        },
        target=f">= {HEADROOM * TELEGRAM_PACE:g} messages/s unpaced ({HEADROOM:g}x our pace)",
        met=correct and rate >= HEADROOM * TELEGRAM_PACE,
        summary=(
            f"{calls:,} messages: {cpu_ms:.2f} ms CPU each, {rate:,.0f} messages/s "
            f"({rate / TELEGRAM_PACE:.0f}x Telegram's 25/s)"
        ),
        notes=[] if correct else ["not every outbox row was sent exactly once"],
    )


async def run(scale: Scale, backends: list[str], workdir: Path) -> list[Result]:
    results = []
    for backend in backends:
        results.append(await measure_dispatch(backend, scale, workdir / backend))
        results.append(await measure_dispatch_http(backend, scale, workdir / f"{backend}-http"))
    return results
