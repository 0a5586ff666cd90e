"""Enrolment through Telegram: invite link, onboarding consent, wrong codes."""

from __future__ import annotations

from bot.domain.model import PatientStatus
from bot.services import texts
from tests.e2e.conftest import Clinic


async def test_a_patient_enrols_with_the_invite_link_and_agrees(clinic: Clinic) -> None:
    patient, code = await clinic.enrol()
    user = await clinic.sandbox.client.create_user("Avery")
    await clinic.sandbox.client.start_bot(user.id, code)
    await clinic.settle()
    onboarding = await clinic.last(user)
    assert onboarding.text == texts.ONBOARDING
    assert onboarding.protect_content
    await clinic.sandbox.client.press(user.id, onboarding, texts.CONSENT_YES)
    await clinic.settle()
    thanks = await clinic.last(user)
    assert thanks.text == texts.CONSENT_THANKS
    assert thanks.reply_keyboard == [[texts.SOS_BUTTON]]
    async with clinic.services.store.uow() as uow:
        stored = await uow.patients.get(patient.id)
    assert stored is not None and stored.status is PatientStatus.ACTIVE


async def test_a_wrong_code_gets_one_neutral_message(clinic: Clinic) -> None:
    await clinic.enrol()
    user = await clinic.sandbox.client.create_user("Mallory")
    await clinic.sandbox.client.start_bot(user.id, "p_notarealcode00000000")
    await clinic.settle()
    assert await clinic.texts(user) == [texts.CODE_NOT_VALID]
