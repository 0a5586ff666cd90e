"""Check-ins as they really go out: a reminder for one that was delivered and not answered,
misses only for check-ins that reached the patient, and a resumed check-in keeps the
questions it started with."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.delivery.dispatcher import Dispatcher
from bot.delivery.pacing import Pacer
from bot.demo import PLAN
from bot.domain.model import Checkin, Patient
from bot.services import buttons, texts
from tests.delivery.fakes import FakeBotApi
from tests.services.conftest import World, enrolled_patient

AVERY_CHAT = 670001

TWO_QUESTIONS = """
checkin:
  - {id: note, kind: text, prompt: 'Anything on your mind today?'}
  - {id: meeting, kind: yesno, prompt: 'Did you get to a meeting?'}
"""
CHANGED_SECOND = """
checkin:
  - {id: note, kind: text, prompt: 'Anything on your mind today?'}
  - {id: energy, kind: scale, prompt: 'How much energy do you have?', min: 0, max: 5}
"""


def at(world: World, text: str) -> None:
    world.clock.set(datetime.fromisoformat(text))


async def active_patient(world: World, plan: str | None = None) -> Patient:
    """Enrolled and consented through the services, in New York."""
    return await enrolled_patient(world, AVERY_CHAT, tz="America/New_York", plan=plan)


async def deliver(world: World) -> FakeBotApi:
    """What the dispatcher does: send everything ready to Telegram and record it sent."""
    api = FakeBotApi()
    await Dispatcher(world.services.delivery, api, Pacer(), idle_poll=0.01).run_until_idle()
    return api


async def the_checkins(world: World, patient: Patient) -> list[Checkin]:
    async with world.services.store.uow() as uow:
        return await uow.checkins.for_patient(patient.id)


async def due_at_nine(world: World, patient: Patient) -> Checkin:
    """A daily 09:00 check-in, due now (14:00 UTC) and created by the tick."""
    await world.services.schedules.set(world.clinician, patient.reference, ["09:00"], "*")
    at(world, "2026-03-02T14:00:30+00:00")
    await world.services.ticks.materialise_due()
    (checkin,) = await the_checkins(world, patient)
    return checkin


# --- reminders ------------------------------------------------------------------------


async def test_a_first_question_shown_and_not_answered_gets_one_reminder(world: World) -> None:
    at(world, "2026-03-02T13:00:00+00:00")
    patient = await active_patient(world)
    checkin = await due_at_nine(world, patient)
    await deliver(world)
    await world.services.checkins.press(
        AVERY_CHAT, buttons.start(checkin.id), "cbq-start", world.update_id()
    )
    await deliver(world)
    world.tick(minutes=61)
    assert await world.services.ticks.remind_and_expire() == (1, 0)
    assert (await world.texts_for(patient)).count(texts.CHECKIN_REMINDER) == 1


async def test_an_invitation_not_delivered_yet_gets_no_reminder(world: World) -> None:
    at(world, "2026-03-02T13:00:00+00:00")
    patient = await active_patient(world)
    await due_at_nine(world, patient)
    world.tick(minutes=61)
    assert await world.services.ticks.remind_and_expire() == (0, 0)


# --- misses ---------------------------------------------------------------------------


async def missed_alerts(world: World, patient: Patient) -> list[str]:
    async with world.services.store.uow() as uow:
        found = await uow.escalations.find(patient_ids=[patient.id])
    return [e.rule for e in found if e.rule == "missed_checkins"]


async def let_expire(world: World) -> None:
    world.tick(hours=6)
    await world.services.ticks.remind_and_expire()
    world.tick(hours=1)
    await world.services.ticks.remind_and_expire()


async def test_checkins_missed_while_the_bot_was_down_are_not_the_patients_misses(
    world: World,
) -> None:
    at(world, "2026-03-02T13:00:00+00:00")
    patient = await active_patient(world)
    await world.services.schedules.set(world.clinician, patient.reference, ["09:00"], "*")
    at(world, "2026-03-05T14:30:00+00:00")  # down three days; today's 09:00 is 30 min late
    await world.services.ticks.materialise_due()
    await deliver(world)
    await let_expire(world)  # today's, delivered and not answered: one real miss
    assert len(await the_checkins(world, patient)) == 4
    assert await missed_alerts(world, patient) == []


@pytest.mark.parametrize(
    ("delivered", "alerts"),
    [
        pytest.param(True, ["missed_checkins"], id="delivered and missed: the patient's"),
        pytest.param(False, [], id="never delivered: not the patient's"),
    ],
)
async def test_only_delivered_checkins_count_towards_missed_in_a_row(
    world: World, delivered: bool, alerts: list[str]
) -> None:
    at(world, "2026-03-02T13:00:00+00:00")
    patient = await active_patient(world)
    await world.services.schedules.set(world.clinician, patient.reference, ["09:00"], "*")
    for day in range(3):
        at(world, f"2026-03-0{2 + day}T14:00:10+00:00")
        await world.services.ticks.materialise_due()
        if delivered:
            await deliver(world)
        await let_expire(world)
    assert await missed_alerts(world, patient) == alerts


# --- resuming -------------------------------------------------------------------------


async def test_resuming_after_a_plan_change_asks_the_question_the_checkin_started_with(
    world: World,
) -> None:
    patient = await active_patient(world, PLAN + TWO_QUESTIONS)
    await world.services.checkins.start_by_patient(AVERY_CHAT, world.update_id())
    await world.services.conversation.free_text(AVERY_CHAT, "all fine", world.update_id())
    await world.services.plans.publish(
        world.clinician, patient.reference, PLAN + CHANGED_SECOND, note="v2", source="plan.yaml"
    )
    await world.services.checkins.start_by_patient(AVERY_CHAT, world.update_id())
    asked = await world.texts_for(patient)
    assert asked[-2] == texts.CHECKIN_ALREADY_OPEN
    assert "Did you get to a meeting?" in asked[-1]
