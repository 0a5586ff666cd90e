"""A medical emergency now (someone not breathing, not waking up): the reply leads with what
to do, the emergency number first, then the crisis lines; the team gets a crisis escalation
that says it is a medical emergency. Wherever the words arrive: a message, a check-in's
text answer, a message set aside after failing."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.bootstrap import build_services
from bot.config import load_settings
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.pacing import Pacer
from bot.demo import PLAN
from bot.domain.model import Escalation, Level, Patient
from bot.services import texts
from tests.delivery.fakes import FakeBotApi
from tests.services.conftest import World, enrolled_patient
from tests.services.scenes import link_staff

AVERY_CHAT = 680001
TEXT_QUESTION = "checkin:\n  - {id: note, kind: text, prompt: 'Anything on your mind today?'}\n"
EMERGENCY_REASON = "free text describes a medical emergency now"


def steps(emergency: str) -> str:
    return texts.EMERGENCY_STEPS.format(emergency=emergency)


async def patient_with(world: World, plan: str = PLAN) -> Patient:
    """Enrolled and consented through the services, with ``plan`` published first."""
    return await enrolled_patient(world, AVERY_CHAT, plan=plan)


async def seen(world: World, api: FakeBotApi | None = None) -> list[str]:
    """What reaches the patient's phone, in the order it arrives (the dispatcher's order)."""
    api = api or FakeBotApi()
    pacer = Pacer(rate=29, chat_burst=1000, chat_rate=1000)
    await Dispatcher(world.services.delivery, api, pacer, idle_poll=0.01).run_until_idle()
    return api.texts_to(AVERY_CHAT)


async def says(world: World, text: str) -> list[str]:
    """The patient writes ``text``; what reaches them because of it, in order."""
    await seen(world)  # everything before (welcome, consent) is out of the way
    await world.services.conversation.free_text(AVERY_CHAT, text, world.update_id())
    return await seen(world)


async def escalations(world: World, patient: Patient) -> list[Escalation]:
    async with world.services.store.uow() as uow:
        return await uow.escalations.find(patient_ids=[patient.id])


@pytest.mark.parametrize(
    "words",
    [
        "my roommate used and he's not breathing",
        "my friend isn't breathing",
        "he won't wake up",
        "her lips are blue",
    ],
)
async def test_an_emergency_reply_leads_with_the_steps_and_the_emergency_number(
    world: World, words: str
) -> None:
    await patient_with(world)
    first, *_ = await says(world, words)
    assert first.startswith(steps("911"))  # the region's number (US by default)
    assert first.split("\n", 1)[0] == "1. Call 911 now. Say where you are."


async def test_the_crisis_lines_and_the_plans_people_follow_the_steps(world: World) -> None:
    await patient_with(world)
    first, *rest = await says(world, "my roommate used and he's not breathing")
    after_steps = first.removeprefix(steps("911"))
    assert texts.SOS_LINES in after_steps and "988" in after_steps
    assert "Sam (brother): 555-0100" in after_steps
    assert texts.SOS_TEAM_TOLD not in first and rest  # the team's word comes after


async def test_the_plans_own_emergency_number_is_the_one_to_call(world: World) -> None:
    await patient_with(world, PLAN + 'crisis:\n  emergency: "112"\n')
    first, *_ = await says(world, "my friend isn't breathing")
    assert first.startswith(steps("112"))


async def test_a_plan_without_a_number_gets_the_deployments_region(world: World) -> None:
    uk = build_services(world.services.store, load_settings(crisis_region="UK"), world.clock)
    world = replace(world, services=uk)
    await patient_with(world)
    first, *_ = await says(world, "he won't wake up")
    assert first.startswith(steps("999"))


async def test_ordinary_crisis_words_still_get_the_ordinary_crisis_reply(world: World) -> None:
    patient = await patient_with(world)
    first, *_ = await says(world, "I want to die")
    assert first.startswith(
        texts.CRISIS_TEXT_RESPONSE + "\n" + texts.SOS_HEADER.format(emergency="911")
    )
    assert steps("911").split("\n", 1)[0] not in first
    (escalation,) = await escalations(world, patient)
    assert not escalation.reasons[0].startswith(EMERGENCY_REASON)


async def test_the_team_gets_a_crisis_escalation_that_says_medical_emergency(
    world: World,
) -> None:
    await link_staff(world)
    patient = await patient_with(world)
    await says(world, "my roommate used and he's not breathing")
    (escalation,) = await escalations(world, patient)
    assert (escalation.rule, escalation.level) == ("triage_crisis", Level.CRISIS)
    assert escalation.reasons[0].startswith(EMERGENCY_REASON + ": medical emergency: ")
    alerts = await world.outbox(recipient_kind="staff", method="sendMessage")
    assert [a.recipient_id for a in alerts] == [world.staff.id]  # alerted at once
    alert = str(alerts[0].payload["text"])
    assert "CRISIS" in alert and "breathing" not in alert  # no health details in an alert


async def test_with_other_crisis_words_too_the_emergency_comes_first(world: World) -> None:
    patient = await patient_with(world)
    first, *_ = await says(world, "I want to die. He's not breathing")
    assert first.startswith(steps("911"))
    (escalation,) = await escalations(world, patient)
    assert escalation.reasons[0].startswith(EMERGENCY_REASON + ": medical emergency: ")


async def test_an_emergency_joins_an_open_crisis_escalation_with_its_own_reason(
    world: World,
) -> None:
    patient = await patient_with(world)
    await says(world, "I want to die")
    world.tick(minutes=10)
    first, *_ = await says(world, "he won't wake up")
    assert first.startswith(steps("911"))
    (escalation,) = await escalations(world, patient)  # not yet taken: added to it
    assert escalation.level is Level.CRISIS
    assert [r.startswith(EMERGENCY_REASON) for r in escalation.reasons] == [False, True]


async def test_an_emergency_in_a_checkin_answer_gets_the_same_reply(world: World) -> None:
    patient = await patient_with(world, PLAN + TEXT_QUESTION)
    await world.services.checkins.start_by_patient(AVERY_CHAT, world.update_id())
    first, *_ = await says(world, "my friend isn't breathing")
    assert first.startswith(steps("911"))
    (escalation,) = await escalations(world, patient)
    assert (escalation.rule, escalation.level) == ("triage_crisis", Level.CRISIS)
    async with world.services.store.uow() as uow:
        (checkin,) = await uow.checkins.for_patient(patient.id)
        answers = await uow.checkins.answers(checkin)
    assert [a.value for a in answers] == ["my friend isn't breathing"]  # still the answer


async def test_an_emergency_set_aside_after_failing_gets_the_same_reply_first(
    world: World,
) -> None:
    patient = await patient_with(world)
    await seen(world)
    words = "my roommate used and he's not breathing"
    await world.services.inbox.set_aside(world.update_id(), "ValueError", AVERY_CHAT, words)
    first, *rest = await seen(world)
    assert first.startswith(steps("911"))
    assert texts.UPDATE_FAILED in rest  # "something went wrong" waits behind it
    found = {(e.rule, e.level) for e in await escalations(world, patient)}
    assert found == {("triage_crisis", Level.CRISIS), ("message_set_aside", Level.WARN)}
