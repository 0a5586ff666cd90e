"""Erasing a patient, end to end: their chat and their supporter's chat lead nowhere."""

from __future__ import annotations

from sqlalchemy import text

from bot.services import texts
from tests.e2e.conftest import Clinic
from tests.e2e.test_supporters import active_supporter


async def erase(clinic: Clinic, patient_id: str) -> None:
    async with clinic.services.store.uow() as uow:
        patient = await uow.patients.get(patient_id)
    assert patient is not None
    await clinic.services.patients.erase(clinic.admin, patient.reference, patient.reference)


async def test_after_an_erasure_the_patient_and_the_supporter_are_strangers(
    clinic: Clinic,
) -> None:
    patient_id, avery, sam = await active_supporter(clinic, ["reach_out", "weekly_summary"])
    await erase(clinic, patient_id)
    heard_by_avery = len(await clinic.messages(avery))
    await clinic.say(sam, "/stop")
    assert (await clinic.last(sam)).text == texts.NOT_ENROLLED
    await clinic.say(avery, "hello")
    assert (await clinic.last(avery)).text == texts.NOT_ENROLLED
    assert len(await clinic.messages(avery)) == heard_by_avery + 1  # not "Sam left"


async def test_after_an_erasure_the_supporter_gets_no_weekly_summary(clinic: Clinic) -> None:
    patient_id, _, sam = await active_supporter(clinic, ["weekly_summary"])
    await erase(clinic, patient_id)
    heard = len(await clinic.messages(sam))
    clinic.advance(days=8)
    assert await clinic.services.supporters.weekly_summaries() == 0
    await clinic.settle()
    assert len(await clinic.messages(sam)) == heard


async def test_an_erasure_blanks_what_the_bot_kept_of_the_patients_chat(clinic: Clinic) -> None:
    patient_id, _, _ = await active_supporter(clinic, ["reach_out"])
    async with clinic.services.store.uow() as uow:
        stored = (await uow.session.execute(text("select count(*) from inbox"))).scalar()
    await erase(clinic, patient_id)
    async with clinic.services.store.uow() as uow:
        query = "select count(*) from inbox where length(payload_enc) > 0"
        kept = (await uow.session.execute(text(query))).scalar()
    assert stored and kept == 0, "every update came from the patient's or the supporter's chat"
