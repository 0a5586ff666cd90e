"""SOS, crisis language, the plan in chat, and coping in the moment."""

from __future__ import annotations

from bot.domain.model import Level, PatientStatus
from bot.services import texts
from tests.e2e.conftest import PLAN, Clinic


async def escalations(clinic: Clinic, patient_id: str) -> list[tuple[str, Level]]:
    async with clinic.services.store.uow() as uow:
        return [(e.rule, e.level) for e in await uow.escalations.find(patient_ids=[patient_id])]


async def test_sos_shows_crisis_lines_and_own_people_and_raises_a_crisis(clinic: Clinic) -> None:
    patient, user = await clinic.onboard()
    await clinic.say(user, texts.SOS_BUTTON)
    crisis = next(
        m for m in await clinic.messages(user) if (m.text or "").startswith("You're not alone")
    )
    assert "call 911" in crisis.text and "988" in crisis.text
    assert "Sam (brother): 555-0100" in crisis.text
    assert crisis.protect_content
    assert await escalations(clinic, patient.id) == [("sos", Level.CRISIS)]


async def test_sos_works_as_a_command_too(clinic: Clinic) -> None:
    patient, user = await clinic.onboard()
    await clinic.say(user, "/sos")
    assert await escalations(clinic, patient.id) == [("sos", Level.CRISIS)]


async def test_crisis_language_in_free_text_takes_the_sos_path(clinic: Clinic) -> None:
    patient, user = await clinic.onboard()
    await clinic.say(user, "I want to end it all tonight")
    crisis = await clinic.texts(user)
    assert any(t.startswith(texts.CRISIS_TEXT_RESPONSE) for t in crisis)
    assert await escalations(clinic, patient.id) == [("triage_crisis", Level.CRISIS)]


async def test_a_medical_emergency_is_first_told_what_to_do_then_the_crisis_lines(
    clinic: Clinic,
) -> None:
    patient, user = await clinic.onboard()
    before = len(await clinic.messages(user))
    await clinic.say(user, "my roommate used and he's not breathing")
    first, *rest = (await clinic.messages(user))[before:]
    assert first.text.startswith(texts.EMERGENCY_STEPS.format(emergency="911"))
    assert "988" in first.text and "Sam (brother): 555-0100" in first.text
    assert first.protect_content
    assert [m.text for m in rest] == [texts.SOS_TEAM_NOT_REACHED]  # no one linked here
    assert await escalations(clinic, patient.id) == [("triage_crisis", Level.CRISIS)]


async def test_an_idiom_is_not_a_crisis(clinic: Clinic) -> None:
    patient, user = await clinic.onboard()
    await clinic.say(user, "this traffic is killing me")
    assert await escalations(clinic, patient.id) == []
    assert (await clinic.texts(user))[-1] == texts.UNREADABLE


async def test_concerning_text_raises_a_warning(clinic: Clinic) -> None:
    patient, user = await clinic.onboard()
    await clinic.say(user, "what's the point of any of this, nothing will ever change")
    assert await escalations(clinic, patient.id) == [("triage_concern", Level.WARN)]
    assert (await clinic.texts(user))[-1] == texts.CONCERN_TEXT_RESPONSE


async def test_the_plan_menu_shows_sections(clinic: Clinic) -> None:
    _, user = await clinic.onboard()
    await clinic.say(user, "/plan")
    menu = await clinic.last(user)
    labels = [b.text for row in menu.buttons for b in row]
    assert texts.PLAN_FACING_TRIGGER in labels and "Your reasons" in labels
    await clinic.press(user, "Your reasons")
    assert "Keep my job at the workshop" in (await clinic.last(user)).text


async def test_facing_a_trigger_shows_its_coping_and_asks_if_it_helped(clinic: Clinic) -> None:
    patient, user = await clinic.onboard()
    await clinic.say(user, "/plan")
    await clinic.press(user, texts.PLAN_FACING_TRIGGER)
    await clinic.press(user, "Payday evenings")
    shown = await clinic.texts(user)
    assert any("Call Sam" in t for t in shown) and any("Urge surfing" in t for t in shown)
    call_sam = next(m for m in await clinic.messages(user) if m.text == "➜ Call Sam")
    await clinic.sandbox.client.press(user.id, call_sam, "I tried this")
    await clinic.settle()
    await clinic.press(user, texts.COPE_HELPED_NO)
    async with clinic.services.store.uow() as uow:
        (session,) = await uow.coping.for_patient(patient.id)
    assert (session.strategy, session.helped) == ("call-sam", "no")


async def test_a_patient_suggests_a_new_trigger_for_the_clinician(clinic: Clinic) -> None:
    patient, user = await clinic.onboard()
    await clinic.say(user, "/plan")
    await clinic.press(user, texts.PLAN_SUGGEST)
    await clinic.press(user, "A trigger")
    await clinic.press(user, "A place")
    await clinic.say(user, "The corner shop")
    assert (await clinic.texts(user))[-1] == texts.PLAN_SUGGESTION_THANKS
    _, pending = await clinic.services.plans.suggestions(clinic.clinician, patient.reference)
    assert [line for _, line in pending] == ["Add trigger: 'The corner shop' (place)"]
    published = await clinic.services.plans.accept(
        clinic.clinician, patient.reference, pending[0][0].id[-8:]
    )
    assert published.version.version == 2
    await clinic.settle()
    assert any("The corner shop" in t for t in await clinic.texts(user))


async def test_urge_surfing_rates_before_and_after_over_timed_prompts(clinic: Clinic) -> None:
    patient, user = await clinic.onboard()
    await clinic.say(user, "/cope")
    assert (await clinic.last(user)).text == texts.COPE_RATE_BEFORE
    await clinic.press(user, "8")
    assert (await clinic.last(user)).text == texts.URGE_SURFING_STEPS[0]
    for _ in range(len(texts.URGE_SURFING_STEPS)):
        clinic.advance(minutes=1)
        await clinic.runtime.tick()
    assert (await clinic.last(user)).text == texts.COPE_RATE_AFTER
    await clinic.press(user, "4")
    assert texts.COPE_RESULT_BETTER.format(before=8, after=4) in await clinic.texts(user)
    await clinic.press(user, texts.COPE_HELPED_YES)
    async with clinic.services.store.uow() as uow:
        (session,) = await uow.coping.for_patient(patient.id)
    assert (session.before, session.after, session.helped) == (8, 4, "yes")


async def test_mydata_sends_the_patients_own_data_as_json(clinic: Clinic) -> None:
    _, user = await clinic.onboard()
    await clinic.say(user, "/mydata")
    document = (await clinic.last(user)).document
    assert document is not None and document.file_name == "my-companion-data.json"
    content = await clinic.sandbox.client.file_bytes(document.file_id)
    assert b'"name": "Avery Quill"' in content and b"Call Sam" in content


async def test_stop_unenrols_after_confirmation(clinic: Clinic) -> None:
    patient, user = await clinic.onboard()
    await clinic.say(user, "/stop")
    await clinic.press(user, texts.STOP_YES)
    assert (await clinic.last(user)).text == texts.STOPPED
    async with clinic.services.store.uow() as uow:
        stored = await uow.patients.get(patient.id)
    assert stored is not None and stored.status is PatientStatus.UNENROLLED
    assert ("patient_stopped", Level.INFO) in await escalations(clinic, patient.id)


async def test_blocking_marks_unreachable_and_unblocking_restores(clinic: Clinic) -> None:
    patient, user = await clinic.onboard()
    await clinic.sandbox.client.block(user.id)
    await clinic.settle()
    async with clinic.services.store.uow() as uow:
        blocked = await uow.patients.get(patient.id)
    assert blocked is not None and not blocked.reachable
    assert ("blocked_bot", Level.WARN) in await escalations(clinic, patient.id)
    await clinic.sandbox.client.unblock(user.id)
    await clinic.settle()
    async with clinic.services.store.uow() as uow:
        restored = await uow.patients.get(patient.id)
    assert restored is not None and restored.reachable


async def test_a_plan_can_ask_not_to_tell_the_patient_the_team_was_alerted(
    clinic: Clinic,
) -> None:
    patient, user = await clinic.onboard(plan=PLAN + "escalation:\n  tell_patient: false\n")
    await clinic.say(user, "/sos")
    seen = await clinic.texts(user)
    assert texts.SOS_TEAM_TOLD not in seen
    assert any("988" in t for t in seen)
    assert await escalations(clinic, patient.id) == [("sos", Level.CRISIS)]
