"""The patient is told when the care team pauses, resumes or discharges them, in the
same transaction as the change; those who never agreed, or who left, are not."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.domain.errors import Conflict
from bot.domain.model import Level, Patient, PatientStatus
from bot.domain.risk import Finding
from bot.services import texts
from bot.services.outgoing import Outgoing
from bot.services.patients import OpenEscalations, local_day
from tests.services.conftest import World
from tests.services.scenes import PATIENT_CHAT, active_patient

NOTICES = texts.CareChanges


async def pause(world: World, patient: Patient) -> None:
    await world.services.patients.pause(world.clinician, patient.reference, None)


async def pause_a_week(world: World, patient: Patient) -> None:
    await world.services.patients.pause(world.clinician, patient.reference, 7)


async def resume_after_pause(world: World, patient: Patient) -> None:
    await pause(world, patient)
    world.tick(days=1)
    await world.services.patients.resume(world.clinician, patient.reference)


async def discharge(world: World, patient: Patient) -> None:
    await world.services.patients.discharge(world.clinician, patient.reference)


async def resume_after_discharge(world: World, patient: Patient) -> None:
    await discharge(world, patient)
    world.tick(days=1)
    await world.services.patients.resume(world.clinician, patient.reference)


CHANGES: dict[str, tuple[Callable[[World, Patient], Awaitable[None]], str]] = {
    "a pause": (pause, NOTICES.PAUSED),
    "a pause for a week": (pause_a_week, NOTICES.PAUSED_UNTIL),
    "a resume after a pause": (resume_after_pause, NOTICES.RESUMED),
    "a discharge": (discharge, NOTICES.DISCHARGED),
    "a resume after a discharge": (resume_after_discharge, NOTICES.WELCOME_BACK),
}


@pytest.mark.parametrize("change", CHANGES)
async def test_the_patient_is_told_of_each_change(world: World, change: str) -> None:
    patient = await active_patient(world, chat_id=PATIENT_CHAT)
    act, notice = CHANGES[change]
    await act(world, patient)
    last = (await world.outbox(recipient_id=patient.id))[-1]
    stored = await world.patient(patient.reference)
    if stored.paused_until is not None:
        notice = notice.format(until=local_day(stored.paused_until, patient.timezone))
    assert (last.purpose, last.payload["text"]) == ("care", notice)
    assert last.payload["protect_content"] is True


def test_a_pause_names_the_day_it_ends_in_the_patients_own_time_zone() -> None:
    late_evening_utc = datetime(2026, 3, 9, 20, 0, tzinfo=UTC)
    assert local_day(late_evening_utc, "Pacific/Auckland") == "Tuesday 10 March"
    assert local_day(late_evening_utc, "America/Chicago") == "Monday 9 March"


async def test_a_refused_change_tells_the_patient_nothing(world: World) -> None:
    patient = await active_patient(world, chat_id=PATIENT_CHAT)
    async with world.services.store.uow() as uow:
        out = Outgoing(f"test:{world.update_id()}", world.clock.now())
        await world.services.escalations.raise_findings(
            uow, patient, [Finding("craving_high", Level.URGENT, "a reason")], out, source="test"
        )
        await uow.commit()
    heard = await world.texts_for(patient)
    with pytest.raises(OpenEscalations):
        await discharge(world, patient)
    with pytest.raises(Conflict):  # resuming someone who is active
        await world.services.patients.resume(world.clinician, patient.reference)
    assert await world.texts_for(patient) == heard


async def test_a_patient_who_never_linked_or_agreed_is_not_told(world: World) -> None:
    invited = await world.services.patients.add(world.clinician, "Bo Lark", "Europe/London")
    await discharge(world, invited)
    linked = await world.services.patients.add(world.clinician, "Cy Moor", "Europe/London")
    async with world.services.store.uow() as uow:
        onboarding = replace(linked, status=PatientStatus.ONBOARDING, chat_id=PATIENT_CHAT + 9)
        await uow.patients.update(onboarding)
        await uow.commit()
    await discharge(world, onboarding)
    assert await world.outbox(recipient_id=invited.id) == []
    assert await world.outbox(recipient_id=onboarding.id) == []


async def test_a_patient_who_left_with_stop_is_not_told_of_their_discharge(
    world: World,
) -> None:
    patient = await active_patient(world, chat_id=PATIENT_CHAT)
    await world.services.conversation.stop_answer(PATIENT_CHAT, True, "cbq-1", world.update_id())
    heard = await world.texts_for(patient)
    reason = "they stopped; closing their care"  # /stop left the team an info escalation
    await world.services.patients.discharge(
        world.clinician, patient.reference, force=True, reason=reason
    )
    assert await world.texts_for(patient) == heard


async def test_a_pause_that_ends_by_itself_tells_the_patient(world: World) -> None:
    patient = await active_patient(world, chat_id=PATIENT_CHAT)
    await world.services.patients.pause(world.clinician, patient.reference, 1)
    world.tick(days=1, minutes=1)
    assert await world.services.ticks.end_pauses() == 1
    assert (await world.texts_for(patient))[-1] == NOTICES.PAUSE_ENDED
