"""Enrolment: invite codes, onboarding consent, and what unknown chats learn (nothing)."""

from __future__ import annotations

import pytest

from bot.domain.model import PatientStatus
from bot.services import texts
from tests.services.conftest import World

CHAT = 610001


async def invited(world: World) -> tuple[str, str]:
    patient = await world.services.patients.add(world.clinician, "Avery Quill", "Europe/London")
    invite = await world.services.patients.invite(world.clinician, patient.reference)
    return patient.reference, invite.code


async def chat_texts(world: World) -> list[str]:
    return [str(m.payload["text"]) for m in await world.outbox(recipient_kind="chat")]


async def test_a_good_code_links_the_chat_and_asks_for_consent(world: World) -> None:
    ref, code = await invited(world)
    await world.services.enrolment.start(CHAT, code, world.update_id())
    patient = await world.patient(ref)
    assert patient.chat_id == CHAT and patient.status is PatientStatus.ONBOARDING
    (message,) = await world.outbox(recipient_id=patient.id)
    assert message.payload["text"] == texts.ONBOARDING
    assert message.payload["protect_content"] is True


async def test_agreeing_activates_and_records_the_consent_version(world: World) -> None:
    ref, code = await invited(world)
    await world.services.enrolment.start(CHAT, code, world.update_id())
    await world.services.enrolment.consent(CHAT, True, "cb1", world.update_id())
    patient = await world.patient(ref)
    assert patient.status is PatientStatus.ACTIVE
    assert patient.consent_version == texts.CONSENT_VERSION
    async with world.services.store.uow() as uow:
        (consent,) = await uow.consents.for_patient(patient.id)
    assert consent.kind == "onboarding" and consent.active(world.clock.now())
    assert texts.CONSENT_THANKS in await world.texts_for(patient)


async def test_declining_records_it_and_sends_no_checkins(world: World) -> None:
    ref, code = await invited(world)
    await world.services.enrolment.start(CHAT, code, world.update_id())
    await world.services.enrolment.consent(CHAT, False, "cb1", world.update_id())
    patient = await world.patient(ref)
    assert patient.status is PatientStatus.UNENROLLED and patient.consented_at is None
    async with world.services.store.uow() as uow:
        (consent,) = await uow.consents.for_patient(patient.id)
        escalations = await uow.escalations.find(patient_ids=[patient.id])
    assert consent.end_reason == "declined"
    assert [e.rule for e in escalations] == ["consent_declined"]


@pytest.mark.parametrize("case", ["wrong", "used", "expired"])
async def test_wrong_used_and_expired_codes_get_one_neutral_message(
    world: World, case: str
) -> None:
    _, code = await invited(world)
    if case == "wrong":
        code = code[:-3] + "xyz"
    elif case == "used":
        await world.services.enrolment.start(CHAT + 1, code, world.update_id())
    else:
        world.tick(days=8)
    await world.services.enrolment.start(CHAT, code, world.update_id())
    assert (await chat_texts(world))[-1] == texts.CODE_NOT_VALID


async def test_more_than_five_wrong_codes_an_hour_are_refused_and_audited(world: World) -> None:
    ref, code = await invited(world)
    for i in range(5):
        await world.services.enrolment.start(CHAT, f"p_guess{i}", world.update_id())
    await world.services.enrolment.start(CHAT, code, world.update_id())  # even the right one
    assert (await chat_texts(world))[-1] == texts.TOO_MANY_ATTEMPTS
    assert (await world.patient(ref)).chat_id is None
    async with world.services.store.uow() as uow:
        actions = [e.action for e in await uow.audit.entries()]
    assert "enrol.refused_brute_force" in actions
    world.tick(hours=1, minutes=1)
    await world.services.enrolment.start(CHAT, code, world.update_id())
    assert (await world.patient(ref)).chat_id == CHAT


async def test_an_unknown_chat_learns_nothing_about_any_patient(world: World) -> None:
    await invited(world)
    await world.services.enrolment.start(CHAT, None, world.update_id())
    (text,) = await chat_texts(world)
    assert text == texts.START_UNKNOWN
    assert "Avery" not in text and "P-0" not in text


async def test_a_staff_code_links_telegram_for_alerts(world: World) -> None:
    staff, code = await world.services.staff.link_telegram_code(
        world.clinician, world.staff.username
    )
    await world.services.enrolment.start(CHAT, code, world.update_id())
    async with world.services.store.uow() as uow:
        linked = await uow.staff.by_chat(CHAT)
    assert linked is not None and linked.id == staff.id


async def test_a_stale_consent_button_changes_nothing(world: World) -> None:
    ref, code = await invited(world)
    await world.services.enrolment.start(CHAT, code, world.update_id())
    await world.services.enrolment.consent(CHAT, True, "cb1", world.update_id())
    await world.services.enrolment.consent(CHAT, False, "cb2", world.update_id())
    assert (await world.patient(ref)).status is PatientStatus.ACTIVE
