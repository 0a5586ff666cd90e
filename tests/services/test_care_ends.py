"""When care ends (/stop, discharge), every supporter stops at once: no more summaries."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bot.domain.model import Patient, SupporterStatus
from tests.services.conftest import World
from tests.services.scenes import PATIENT_CHAT, active_patient, add_supporter


async def stop(world: World, patient: Patient) -> None:
    await world.services.conversation.stop_answer(PATIENT_CHAT, True, "cbq-1", world.update_id())


async def discharge(world: World, patient: Patient) -> None:
    await world.services.patients.discharge(world.clinician, patient.reference)


ENDINGS: dict[str, Callable[[World, Patient], Awaitable[None]]] = {
    "the patient's /stop": stop,
    "a discharge": discharge,
}


@pytest.mark.parametrize("ending", ENDINGS)
async def test_every_supporter_is_ended_when_care_ends(world: World, ending: str) -> None:
    patient = await active_patient(world, "Avery Quill", PATIENT_CHAT)
    supporter = await add_supporter(world, patient)
    await ENDINGS[ending](world, patient)
    async with world.services.store.uow() as uow:
        (after,) = await uow.supporters.for_patient(patient.id)
        consents = await uow.consents.for_patient(patient.id, supporter_id=supporter.id)
        audit = [e.action for e in await uow.audit.entries(patient_ref=patient.reference)]
    assert after.status is SupporterStatus.REVOKED
    assert consents and all(c.ended_at is not None for c in consents)
    assert "supporters.end" in audit


@pytest.mark.parametrize("ending", ENDINGS)
async def test_no_weekly_summary_goes_out_after_care_ends(world: World, ending: str) -> None:
    patient = await active_patient(world, "Avery Quill", PATIENT_CHAT)
    supporter = await add_supporter(world, patient)
    await ENDINGS[ending](world, patient)
    world.tick(days=1)
    assert await world.services.supporters.weekly_summaries() == 0
    assert await world.outbox(recipient_id=supporter.id) == []


async def test_an_unanswered_stop_keeps_the_supporters(world: World) -> None:
    patient = await active_patient(world, "Avery Quill", PATIENT_CHAT)
    await add_supporter(world, patient)
    await world.services.conversation.stop_answer(PATIENT_CHAT, False, "cbq-1", world.update_id())
    world.tick(days=1)
    assert await world.services.supporters.weekly_summaries() == 1


async def test_a_message_queued_to_a_supporter_is_cancelled_when_care_ends(world: World) -> None:
    patient = await active_patient(world, "Avery Quill", PATIENT_CHAT)
    supporter = await add_supporter(world, patient)
    world.tick(days=1)
    assert await world.services.supporters.weekly_summaries() == 1
    await discharge(world, patient)
    (summary,) = await world.outbox(recipient_id=supporter.id)
    assert summary.status.value == "cancelled"
