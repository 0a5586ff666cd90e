"""One leader sends and ticks. On PostgreSQL a standby takes over when the leader dies;
an embedded (SQLite) deployment refuses a second bot, clearly."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.model import Patient
from bot.sandbox.client import SandboxClient
from bot.services import texts
from tests.reliability.desk import Desk, count_text, onboard, wait_for_text
from tests.reliability.processes import BotProcess, Deployment, Processes, wait_until

pytestmark = pytest.mark.slow
LEADING = "leader.acquired"


async def checkin_due_now(desk: Desk, patient: Patient) -> None:
    """``clinician schedule set``, then the first time comes round: due a moment ago."""
    await desk.services.schedules.set(desk.actor, patient.reference, ["09:00"], "*")
    now = desk.services.clock.now() - timedelta(seconds=1)
    async with desk.opened.store.uow() as uow:
        (row,) = await uow.schedules.for_patient(patient.id)
        await uow.schedules.set_next_due(row.id, now, now)
        await uow.commit()


async def the_leader(*bots: BotProcess) -> tuple[BotProcess, BotProcess]:
    leading = await wait_until(
        lambda: [bot for bot in bots if LEADING in bot.log()], timeout=30, what="a bot leads"
    )
    assert len(leading) == 1
    (leader,) = leading
    (standby,) = [bot for bot in bots if bot is not leader]
    return leader, standby


@pytest.mark.postgres
async def test_two_bots_on_postgresql_one_leads_and_the_standby_takes_over_when_it_dies(
    postgres_deployment: Deployment,
    postgres_desk: Desk,
    processes: Processes,
    telegram: SandboxClient,
) -> None:
    desk = postgres_desk
    deployment = postgres_deployment.with_values(tick_seconds="1")
    first = await processes.started_bot(deployment, name="first")
    second = await processes.started_bot(deployment, name="second")
    leader, standby = await the_leader(first, second)
    patient, user = await onboard(desk, telegram)

    await checkin_due_now(desk, patient)
    await wait_for_text(telegram, user.chat_id, texts.CHECKIN_INTRO)
    await desk.outbox_settled()
    assert await count_text(telegram, user.chat_id, texts.CHECKIN_INTRO) == 1
    assert LEADING not in standby.log()
    assert "409" not in (await telegram.stats())["responses"]  # one bot polled Telegram

    leader.kill()
    await desk.services.checkins.now_for(desk.actor, patient.reference)
    await standby.wait_for_log(LEADING, timeout=30)
    await wait_for_text(telegram, user.chat_id, texts.CHECKIN_INTRO, count=2, timeout=30)
    await desk.outbox_settled()
    assert await count_text(telegram, user.chat_id, texts.CHECKIN_INTRO) == 2


async def test_a_second_bot_on_the_same_sqlite_database_refuses_to_start(
    deployment: Deployment, processes: Processes, desk: Desk
) -> None:
    first = await processes.started_bot(deployment)
    second = processes.bot(deployment, name="second")
    assert await second.exit_code() == 2
    refusal = second.log()
    assert f"another `companion run` (pid {first.pid}) is already using this SQLite" in refusal
    assert "use PostgreSQL for standbys" in refusal
    assert "Traceback" not in refusal
    assert first.running
