"""An answer and the expiry tick at the same moment, on PostgreSQL (SQLite has one writer,
so there the two simply take turns): the check-in the tick closed stays closed."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from sqlalchemy import text

from bot.domain.model import CheckinStatus, Patient
from bot.store.uow import Store
from tests.services.conftest import World

AVERY_CHAT = 680001

ONE_TEXT_QUESTION = """
reasons: [Be there for my daughter]
checkin:
  - {id: note, kind: text, prompt: 'Anything on your mind today?'}
"""


@pytest.fixture(params=["postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    """Only PostgreSQL: row locks are what this is about."""
    return str(request.param)


async def waiting_on_a_row_lock(store: Store) -> bool:
    async with store.db.engine.connect() as conn:
        waiting = await conn.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        )
    return bool(waiting)


async def until_blocked(store: Store, task: asyncio.Task[None]) -> None:
    """Wait (no timing asserted) until the task is queued behind a row lock."""
    for _ in range(1000):
        if await waiting_on_a_row_lock(store):
            return
        assert not task.done(), "the answer did not wait for the tick's lock"
        await asyncio.sleep(0.01)
    raise AssertionError("the answer never reached the locked check-in")


async def started_checkin(world: World) -> Patient:
    patient = await world.services.patients.add(world.clinician, "Avery Quill", "Europe/London")
    await world.services.plans.publish(
        world.clinician, patient.reference, ONE_TEXT_QUESTION, note="first", source="plan.yaml"
    )
    invite = await world.services.patients.invite(world.clinician, patient.reference)
    await world.services.enrolment.start(AVERY_CHAT, invite.code, world.update_id())
    await world.services.enrolment.consent(AVERY_CHAT, True, "cb-consent", world.update_id())
    await world.services.checkins.start_by_patient(AVERY_CHAT, world.update_id())
    return await world.patient(patient.reference)


async def test_an_answer_arriving_while_the_tick_expires_the_checkin_does_not_reopen_it(
    world: World,
) -> None:
    patient = await started_checkin(world)
    world.tick(hours=12)  # past its expiry
    store = world.services.store
    async with store.uow() as tick:  # the expiry tick, caught between its write and commit
        (due,) = await tick.checkins.expired(world.clock.now())
        await tick.checkins.update(
            replace(due, status=CheckinStatus.MISSED, completed_at=world.clock.now())
        )
        answer = asyncio.create_task(
            world.services.conversation.free_text(AVERY_CHAT, "all fine", world.update_id())
        )
        await until_blocked(store, answer)
        await tick.commit()
    await answer
    async with store.uow() as uow:
        (checkin,) = await uow.checkins.for_patient(patient.id)
    assert checkin.status is CheckinStatus.MISSED
