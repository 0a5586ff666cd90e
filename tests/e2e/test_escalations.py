"""Closed-loop alerts: the care team's Telegram gets them, acknowledges, and backups step in."""

from __future__ import annotations

from bot.domain.model import EscalationStatus
from bot.services import texts
from tests.e2e.conftest import Clinic


async def report_high_craving(clinic: Clinic, user: object) -> None:
    await clinic.say(user, "/checkin")  # type: ignore[arg-type]
    for label in ("9", "4", "Payday evenings", "Done", "No", "6"):
        await clinic.press(user, label)  # type: ignore[arg-type]


async def test_a_linked_clinician_gets_an_alert_without_health_details(clinic: Clinic) -> None:
    rivera = await clinic.link_staff("dr.rivera")
    patient, user = await clinic.onboard()
    await report_high_craving(clinic, user)
    alert = await clinic.last(rivera)
    assert alert.text is not None and alert.text.startswith("🔔 Alert E-1 · URGENT")
    assert f"Patient {patient.reference} (A.Q.)" in alert.text
    for detail in ("craving", "9/10", "Payday", "Avery", "Quill"):
        assert detail not in alert.text.replace("A.Q.", "")
    labels = [b.text for row in alert.buttons for b in row]
    assert labels == [texts.ALERT_ACKNOWLEDGE, texts.ALERT_DETAILS]


async def test_acknowledging_edits_the_other_recipients_alert(clinic: Clinic) -> None:
    rivera = await clinic.link_staff("dr.rivera")
    okafor = await clinic.link_staff("nurse.okafor")
    patient, user = await clinic.onboard()
    await clinic.say(user, texts.SOS_BUTTON)  # crisis: everyone on the team at once
    assert (await clinic.last(okafor)).text.startswith("🔔 Alert E-1 · CRISIS")
    await clinic.press(rivera, texts.ALERT_ACKNOWLEDGE)
    edited = await clinic.last(okafor)
    assert "Acknowledged by Dr Rivera" in (edited.text or "")
    assert edited.edits  # the original alert, edited in place
    answer = await clinic.sandbox.client.callback_answers(chat_id=rivera.chat_id)
    assert any("Acknowledged E-1" in (a.text or "") for a in answer)
    async with clinic.services.store.uow() as uow:
        (escalation,) = await uow.escalations.find(patient_ids=[patient.id])
        kinds = [e.kind for e in await uow.escalations.events(escalation)]
    assert escalation.status is EscalationStatus.ACKNOWLEDGED
    assert kinds[:1] == ["raised"] and "acknowledged" in kinds


async def test_an_unacknowledged_urgent_alert_reaches_the_backup_on_time(clinic: Clinic) -> None:
    await clinic.link_staff("dr.rivera")
    okafor = await clinic.link_staff("nurse.okafor")
    _, user = await clinic.onboard()
    await report_high_craving(clinic, user)
    assert await clinic.texts(okafor) == [
        t for t in await clinic.texts(okafor) if not t.startswith("🔔")
    ]  # the backup is not alerted first
    clinic.advance(minutes=29)
    await clinic.runtime.tick()
    assert not any(t.startswith("🔔") for t in await clinic.texts(okafor))
    clinic.advance(minutes=2)
    await clinic.runtime.tick()
    assert (await clinic.last(okafor)).text.startswith("🔔 Alert E-1 · URGENT")


async def test_someone_outside_the_team_cannot_acknowledge(clinic: Clinic) -> None:
    rivera = await clinic.link_staff("dr.rivera")
    stranger = await clinic.sandbox.client.create_user("Eve")
    patient, user = await clinic.onboard()
    await clinic.say(user, texts.SOS_BUTTON)
    alert = await clinic.with_button(rivera, texts.ALERT_ACKNOWLEDGE)
    own = await clinic.sandbox.client.create_user("Eve2")
    await clinic.sandbox.client.start_bot(own.id)
    await clinic.settle()
    await clinic.sandbox.client.press_button(
        own.id,
        (await clinic.last(own)).message_id,
        alert.buttons[0][0].callback_data or "",
        force=True,
    )
    await clinic.settle()
    async with clinic.services.store.uow() as uow:
        (escalation,) = await uow.escalations.find(patient_ids=[patient.id])
    assert escalation.status is EscalationStatus.OPEN
    assert stranger.id != own.id


async def test_the_patient_always_gets_crisis_lines_even_with_no_staff_linked(
    clinic: Clinic,
) -> None:
    patient, user = await clinic.onboard()
    await clinic.say(user, "/sos")
    seen = await clinic.texts(user)
    assert any("988" in t for t in seen)
    # nobody could be alerted, so the patient is not told anyone was
    assert texts.SOS_TEAM_NOT_REACHED in seen and texts.SOS_TEAM_TOLD not in seen
    async with clinic.services.store.uow() as uow:
        (escalation,) = await uow.escalations.find(patient_ids=[patient.id])
        kinds = [e.kind for e in await uow.escalations.events(escalation)]
    assert "no_recipient" in kinds
