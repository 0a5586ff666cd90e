"""Check-ins through Telegram: every question type, resuming, forged and stale buttons."""

from __future__ import annotations

from bot.domain.model import CheckinStatus
from bot.services import texts
from tests.e2e.conftest import Clinic

CUSTOM = """\
reasons: [Stay well for my family]
triggers:
  - {id: payday, label: Payday evenings, kind: event, coping: [walk]}
coping:
  - {id: walk, title: Take a walk, kind: delay_distract, steps: [Walk round the block]}
checkin:
  - kind: craving
  - kind: triggers
  - kind: use
  - id: meeting
    kind: yesno
    prompt: Did you go to a meeting?
  - id: place
    kind: choice
    prompt: Where are you now?
    options: [Home, Work, Out]
  - id: note
    kind: text
    prompt: Anything you'd like your care team to know?
"""


async def answers(clinic: Clinic, patient_id: str) -> dict[str, object]:
    async with clinic.services.store.uow() as uow:
        (checkin,) = await uow.checkins.for_patient(patient_id)
        return {a.question_id: a.value for a in await uow.checkins.answers(checkin)}


async def test_a_patient_answers_every_kind_of_question(clinic: Clinic) -> None:
    patient, user = await clinic.onboard(plan=CUSTOM)
    await clinic.say(user, "/checkin")
    assert (
        "Check-in (1/6)\nHow strong are your cravings right now?" in (await clinic.last(user)).text
    )
    await clinic.press(user, "3")
    await clinic.press(user, "Payday evenings")
    toggled = await clinic.with_button(user, "✓ Payday evenings")
    assert toggled.edits  # the question was edited to show the tick
    await clinic.press(user, "Done")
    await clinic.press(user, "No")
    await clinic.press(user, "Yes")
    await clinic.press(user, "Work")
    await clinic.say(user, "Rough week but managing")
    assert await answers(clinic, patient.id) == {
        "craving": 3,
        "triggers": ["payday"],
        "use": False,
        "meeting": True,
        "place": "Work",
        "note": "Rough week but managing",
    }
    texts_seen = await clinic.texts(user)
    assert texts.CHECKIN_THANKS in texts_seen
    assert any("Take a walk" in t for t in texts_seen)  # coping linked to the trigger met


async def test_answered_questions_lose_their_buttons(clinic: Clinic) -> None:
    _, user = await clinic.onboard()
    await clinic.say(user, "/checkin")
    question = await clinic.last(user)
    await clinic.press(user, "2")
    answered = next(m for m in await clinic.messages(user) if m.message_id == question.message_id)
    assert answered.buttons == [] and answered.text.endswith("✓")


async def test_a_stale_button_changes_nothing(clinic: Clinic) -> None:
    patient, user = await clinic.onboard()
    await clinic.say(user, "/checkin")
    first = await clinic.last(user)
    await clinic.press(user, "2")
    await clinic.sandbox.client.press_button(
        user.id, first.message_id, first.buttons[0][5].callback_data or "", force=True
    )
    await clinic.settle()
    assert await answers(clinic, patient.id) == {"craving": 2}


async def test_a_forged_button_does_nothing_and_is_logged(clinic: Clinic) -> None:
    patient, user = await clinic.onboard()
    await clinic.say(user, "/checkin")
    question = await clinic.last(user)
    data = question.buttons[0][0].callback_data or ""
    forged = data[: data.rindex(":") + 1] + "AAAAAAAA"
    await clinic.sandbox.client.press_button(user.id, question.message_id, forged, force=True)
    await clinic.settle()
    assert await answers(clinic, patient.id) == {}
    async with clinic.services.store.uow() as uow:
        actions = [e.action for e in await uow.audit.entries(patient_ref=patient.reference)]
    assert "checkin.press_forged" in actions


async def test_another_patients_button_does_nothing(clinic: Clinic) -> None:
    patient, avery = await clinic.onboard()
    _, bo = await clinic.onboard("Bo", name="Bo Lark")
    await clinic.say(avery, "/checkin")
    question = await clinic.last(avery)
    own = await clinic.last(bo)  # Avery's button data, pressed in Bo's own chat
    await clinic.sandbox.client.press_button(
        bo.id, own.message_id, question.buttons[1][1].callback_data or "", force=True
    )
    await clinic.settle()
    assert await answers(clinic, patient.id) == {}


async def test_a_second_checkin_command_resumes_where_it_was(clinic: Clinic) -> None:
    _, user = await clinic.onboard()
    await clinic.say(user, "/checkin")
    await clinic.press(user, "4")
    await clinic.say(user, "/checkin")
    recent = await clinic.texts(user)
    assert recent[-2] == texts.CHECKIN_ALREADY_OPEN
    assert recent[-1].startswith("Check-in (2/5)\n")


async def test_a_reported_use_gets_after_a_slip_and_alerts_the_team(clinic: Clinic) -> None:
    await clinic.link_staff()  # someone to alert: only then is the patient told so
    patient, user = await clinic.onboard()
    await clinic.say(user, "/checkin")
    for label in ("2", "5"):
        await clinic.press(user, label)
    await clinic.press(user, "None of these")
    await clinic.press(user, "Yes")
    await clinic.press(user, "6")
    slip = next(t for t in await clinic.texts(user) if t.startswith(texts.AFTER_SLIP_INTRO))
    assert "One slip does not undo your progress." in slip
    assert texts.CARE_TEAM_TOLD in slip
    async with clinic.services.store.uow() as uow:
        (checkin,) = await uow.checkins.for_patient(patient.id)
        escalations = await uow.escalations.find(patient_ids=[patient.id])
    assert checkin.status is CheckinStatus.COMPLETED and checkin.risk_level == "urgent"
    assert [e.rule for e in escalations] == ["reported_use"]


async def test_with_nobody_to_alert_the_patient_is_not_told_the_team_knows(
    clinic: Clinic,
) -> None:
    _, user = await clinic.onboard()  # no clinician has linked Telegram
    await clinic.say(user, "/checkin")
    for label in ("2", "5", "None of these", "Yes", "6"):
        await clinic.press(user, label)
    slip = next(t for t in await clinic.texts(user) if t.startswith(texts.AFTER_SLIP_INTRO))
    assert "One slip does not undo your progress." in slip
    assert texts.CARE_TEAM_TOLD not in slip


async def test_low_confidence_brings_back_the_patients_reasons(clinic: Clinic) -> None:
    _, user = await clinic.onboard()
    await clinic.say(user, "/checkin")
    for label in ("1", "6", "None of these", "No", "2"):
        await clinic.press(user, label)
    reasons = (await clinic.texts(user))[-1]
    assert reasons.startswith(texts.CHECKIN_REASONS_INTRO)
    assert "Be there for my daughter's graduation" in reasons


async def test_a_high_craving_offers_to_ride_it_out(clinic: Clinic) -> None:
    _, user = await clinic.onboard()
    await clinic.say(user, "/checkin")
    for label in ("9", "5", "None of these", "No", "7"):
        await clinic.press(user, label)
    offer = await clinic.with_button(user, texts.COPE_NOW)
    assert offer.text == texts.CHECKIN_HIGH_CRAVING
