"""A crash (SIGKILL) of ``companion run`` between receiving an answer and acting on it.

The inbox is written before Telegram is told the update arrived, so whenever the process
dies, the restarted bot still acts on the patient's answer, and only once.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.sandbox.client import SandboxClient
from tests.reliability.desk import (
    Desk,
    count_text,
    first_question,
    onboard,
    wait_for_text,
)
from tests.reliability.processes import Deployment, Processes, wait_until

pytestmark = pytest.mark.slow
NEXT_QUESTION = "Check-in (2/5)"


def stored_status(database: Path, update_id: int) -> str | None:
    """The inbox row's status, read without taking SQLite's write lock."""
    connection = sqlite3.connect(database, isolation_level=None)
    try:
        row = connection.execute(
            "SELECT status FROM inbox WHERE update_id = ?", (update_id,)
        ).fetchone()
    finally:
        connection.close()
    return None if row is None else str(row[0])


@contextlib.contextmanager
def sqlite_write_lock(database: Path) -> Iterator[None]:
    """Hold the database's write lock, as a long transaction of another process would."""
    connection = sqlite3.connect(database, isolation_level=None, timeout=10)
    try:
        connection.execute("BEGIN IMMEDIATE")
        yield
        connection.execute("ROLLBACK")
    finally:
        connection.close()


async def answers_given(telegram: SandboxClient) -> int:
    """How many Bot API calls the sandbox has answered with 200 so far."""
    return int((await telegram.stats())["responses"].get("200", 0))


async def test_an_answer_stored_just_before_a_crash_is_acted_on_after_restart(
    deployment: Deployment, processes: Processes, desk: Desk, telegram: SandboxClient
) -> None:
    bot = await processes.started_bot(deployment)
    patient, user = await onboard(desk, telegram)
    question = await first_question(telegram, user)
    await desk.outbox_settled()

    update_id = await telegram.press(user.id, question, "3")
    await wait_until(
        lambda: stored_status(deployment.sqlite_file, update_id),
        timeout=20,
        every=0.002,
        what="the answer is in the inbox",
    )
    bot.kill()  # at once: usually before the processor has acted on it

    await processes.started_bot(deployment)
    await wait_for_text(telegram, user.chat_id, NEXT_QUESTION)
    await desk.outbox_settled()
    assert await desk.answers(patient.id) == {"craving": 3}
    assert await desk.inbox_status(update_id) == "done"
    # killed after the question went out but before it was marked sent: one duplicate
    assert 1 <= await count_text(telegram, user.chat_id, NEXT_QUESTION) <= 2


async def test_an_update_fetched_but_not_yet_stored_is_fetched_again_after_a_crash(
    deployment: Deployment, processes: Processes, desk: Desk, telegram: SandboxClient
) -> None:
    bot = await processes.started_bot(deployment)
    patient, user = await onboard(desk, telegram)
    question = await first_question(telegram, user)
    await desk.outbox_settled()

    with sqlite_write_lock(deployment.sqlite_file):  # the bot cannot store what it fetches
        before = await answers_given(telegram)
        update_id = await telegram.press(user.id, question, "3")
        await wait_until(
            lambda: _more_than(telegram, before),
            timeout=20,
            what="the bot's getUpdates returned the answer",
        )
        bot.kill()
    assert await desk.inbox_status(update_id) is None
    assert update_id in [u["update_id"] for u in await telegram.pending_updates()]

    await processes.started_bot(deployment)
    await wait_for_text(telegram, user.chat_id, NEXT_QUESTION)
    await desk.outbox_settled()
    assert await desk.answers(patient.id) == {"craving": 3}
    assert await count_text(telegram, user.chat_id, NEXT_QUESTION) == 1
    await wait_until(
        lambda: _none_pending(telegram), timeout=30, what="the bot confirmed the update"
    )


async def _more_than(telegram: SandboxClient, count: int) -> bool:
    return await answers_given(telegram) > count


async def _none_pending(telegram: SandboxClient) -> bool:
    return not await telegram.pending_updates()


# --- PostgreSQL: processing held up by a row lock, so the kill lands in between ----------
@contextlib.asynccontextmanager
async def checkins_locked(desk: Desk, patient_id: str) -> AsyncIterator[AsyncConnection]:
    """Lock the patient's check-in rows, as a slow transaction elsewhere would."""
    async with desk.opened.store.db.engine.connect() as connection:
        await connection.execute(
            text("SELECT id FROM checkins WHERE patient_id = :p FOR UPDATE"), {"p": patient_id}
        )
        try:
            yield connection
        finally:
            await connection.rollback()


async def someone_waits_for_a_lock(connection: AsyncConnection) -> bool:
    waiting = await connection.scalar(
        text(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
    )
    await connection.rollback()  # the next look gets a fresh snapshot of pg_stat_activity
    return bool(waiting)


@pytest.mark.postgres
async def test_an_answer_stored_but_not_processed_before_a_crash_is_processed_after_restart(
    postgres_deployment: Deployment,
    processes: Processes,
    postgres_desk: Desk,
    telegram: SandboxClient,
) -> None:
    desk = postgres_desk
    bot = await processes.started_bot(postgres_deployment)
    patient, user = await onboard(desk, telegram)
    question = await first_question(telegram, user)
    await desk.outbox_settled()

    async with checkins_locked(desk, patient.id), desk.opened.store.db.engine.connect() as peek:
        update_id = await telegram.press(user.id, question, "3")
        await wait_until(
            lambda: desk.inbox_status(update_id), timeout=20, what="the answer is in the inbox"
        )
        await wait_until(
            lambda: someone_waits_for_a_lock(peek),
            timeout=20,
            what="the bot's processing waits for the check-in row",
        )
        bot.kill()
    assert await desk.inbox_status(update_id) == "pending"
    assert await desk.answers(patient.id) == {}

    await processes.started_bot(postgres_deployment)
    await wait_for_text(telegram, user.chat_id, NEXT_QUESTION, timeout=30)
    await desk.outbox_settled()
    assert await desk.answers(patient.id) == {"craving": 3}
    assert await desk.inbox_status(update_id) == "done"
    assert await count_text(telegram, user.chat_id, NEXT_QUESTION) == 1
