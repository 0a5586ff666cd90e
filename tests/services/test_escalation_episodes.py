"""One escalation per episode: what a patient says, presses and answers within the episode
window is one escalation whose level only rises; the team is alerted once, and once more
only when it gets more severe (a higher level, or a medical emergency)."""

from __future__ import annotations

from bot.demo import PLAN
from bot.domain.model import Escalation, EscalationStatus, Level, Patient
from bot.domain.risk import Finding
from bot.services import texts
from bot.services.outgoing import Outgoing, commit
from tests.services.conftest import World, enrolled_patient
from tests.services.scenes import link_staff

AVERY_CHAT = 690001
CRAVING_ONLY = PLAN + "checkin:\n  - kind: craving\n"


async def patient_of(world: World) -> Patient:
    """Enrolled with a one-question check-in (craving), the clinician's Telegram linked."""
    await link_staff(world)
    return await enrolled_patient(world, AVERY_CHAT, plan=CRAVING_ONLY)


async def escalations(world: World, patient: Patient) -> list[Escalation]:
    async with world.services.store.uow() as uow:
        found = await uow.escalations.find(patient_ids=[patient.id])
    return sorted(found, key=lambda e: e.number)


async def the_escalation(world: World, patient: Patient) -> Escalation:
    (escalation,) = await escalations(world, patient)
    return escalation


async def alerts(world: World) -> int:
    """Alerts to staff: Telegram messages and e-mails queued for them (edits not counted)."""
    staff = await world.outbox(recipient_kind="staff")
    return sum(1 for m in staff if m.method in ("sendMessage", "email"))


async def timeline(world: World, escalation: Escalation) -> list[tuple[str, str | None]]:
    async with world.services.store.uow() as uow:
        events = await uow.escalations.events(escalation)
    return [(e.kind, e.detail) for e in events if e.kind in ("raised", "added", "upgraded")]


async def says(world: World, text: str) -> None:
    await world.services.conversation.free_text(AVERY_CHAT, text, world.update_id())


async def sos(world: World) -> None:
    await world.services.safety.sos(AVERY_CHAT, world.update_id())


async def checkin_craving(world: World, patient: Patient, craving: int) -> None:
    """The patient starts a check-in and presses ``craving`` on its one question."""
    await world.services.checkins.start_by_patient(AVERY_CHAT, world.update_id())
    question = (await world.outbox(recipient_id=patient.id, method="sendMessage"))[-1]
    rows = question.payload["reply_markup"]["inline_keyboard"]
    (data,) = [b["callback_data"] for row in rows for b in row if b["text"] == str(craving)]
    await world.services.checkins.press(AVERY_CHAT, data, "cbq", world.update_id())


async def raise_(world: World, patient: Patient, finding: Finding) -> None:
    async with world.services.store.uow() as uow:
        out = Outgoing(f"test:{world.update_id()}", world.clock.now())
        await world.services.escalations.raise_findings(uow, patient, [finding], out, source="test")
        await commit(uow, out)


async def test_a_crisis_message_then_an_sos_a_minute_later_is_one_escalation_one_alert(
    world: World,
) -> None:
    patient = await patient_of(world)
    await says(world, "I want to die")
    world.tick(minutes=1)
    await sos(world)
    escalation = await the_escalation(world, patient)
    assert (escalation.level, escalation.status) == (Level.CRISIS, EscalationStatus.OPEN)
    assert await alerts(world) == 1
    kinds = [kind for kind, _ in await timeline(world, escalation)]
    assert kinds == ["raised", "added"]
    assert (await world.texts_for(patient)).count(texts.SOS_TEAM_TOLD) == 2  # both times true


async def test_an_sos_then_a_high_craving_check_in_joins_without_a_new_alert(
    world: World,
) -> None:
    patient = await patient_of(world)
    await sos(world)
    world.tick(minutes=20)
    await checkin_craving(world, patient, 9)
    escalation = await the_escalation(world, patient)
    assert (escalation.rule, escalation.level) == ("sos", Level.CRISIS)  # never lowered
    assert escalation.reasons == ("SOS pressed", "craving 9 ≥ default threshold 8")
    assert await timeline(world, escalation) == [
        ("raised", "SOS: SOS pressed"),
        ("added", "check-in: craving 9 ≥ default threshold 8"),
    ]
    assert await alerts(world) == 1


async def test_the_storm_of_the_issue_is_one_alert(world: World) -> None:
    """A crisis message, an SOS and two check-ins within a minute: one alert, not five."""
    patient = await patient_of(world)
    await says(world, "I want to die")
    await sos(world)
    await checkin_craving(world, patient, 9)
    await checkin_craving(world, patient, 10)
    assert len(await escalations(world, patient)) == 1
    assert await alerts(world) == 1


async def test_a_rising_level_re_alerts_once_and_names_the_rule_behind_it(world: World) -> None:
    patient = await patient_of(world)
    await says(world, "I feel hopeless")  # concern: warn
    assert (await the_escalation(world, patient)).level is Level.WARN
    await checkin_craving(world, patient, 9)  # urgent: the level rises, one re-alert
    await sos(world)  # crisis: rises again, one more
    await checkin_craving(world, patient, 9)  # urgent again: joins, no alert
    escalation = await the_escalation(world, patient)
    assert (escalation.rule, escalation.level) == ("sos", Level.CRISIS)
    kinds = [kind for kind, _ in await timeline(world, escalation)]
    assert kinds == ["raised", "upgraded", "upgraded", "added"]
    assert await alerts(world) == 3


async def test_a_new_crisis_after_an_acknowledged_one_alerts_again_as_a_new_episode(
    world: World,
) -> None:
    patient = await patient_of(world)
    await sos(world)
    await world.services.escalations.acknowledge(world.clinician, "E-1")
    world.tick(minutes=30)
    await says(world, "I want to die")  # well inside the window: still a new episode
    await checkin_craving(world, patient, 9)  # joins the new, open one
    first, second = await escalations(world, patient)
    assert (first.status, second.status) == (EscalationStatus.ACKNOWLEDGED, EscalationStatus.OPEN)
    assert second.reasons[-1] == "craving 9 ≥ default threshold 8"
    assert await alerts(world) == 2


async def test_a_warn_finding_after_an_acknowledged_crisis_is_only_added(world: World) -> None:
    patient = await patient_of(world)
    await sos(world)
    await world.services.escalations.acknowledge(world.clinician, "E-1")
    await says(world, "I feel hopeless")
    escalation = await the_escalation(world, patient)
    assert escalation.status is EscalationStatus.ACKNOWLEDGED
    assert [kind for kind, _ in await timeline(world, escalation)] == ["raised", "added"]
    assert await alerts(world) == 1


async def test_a_medical_emergency_joining_an_open_crisis_re_alerts_once(world: World) -> None:
    patient = await patient_of(world)
    await sos(world)
    world.tick(minutes=1)
    await says(world, "my friend isn't breathing")
    assert await alerts(world) == 2  # the most urgent kind: the team hears of it now
    await says(world, "he won't wake up")  # a second emergency message: no third alert
    await says(world, "I want to die")
    escalation = await the_escalation(world, patient)
    kinds = [kind for kind, _ in await timeline(world, escalation)]
    assert kinds == ["raised", "upgraded", "added", "added"]
    assert escalation.rule == "triage_crisis" and escalation.level is Level.CRISIS
    assert await alerts(world) == 2


async def test_after_the_episode_window_a_finding_opens_a_new_escalation(world: World) -> None:
    patient = await patient_of(world)
    await sos(world)
    world.tick(hours=6, minutes=1)  # the default episode window is 6 hours
    await checkin_craving(world, patient, 9)
    assert [e.rule for e in await escalations(world, patient)] == ["sos", "craving_high"]
    assert await alerts(world) == 2


async def test_engagement_alerts_stay_apart_from_the_episode(world: World) -> None:
    patient = await patient_of(world)
    await sos(world)
    await raise_(world, patient, Finding("missed_checkins", Level.WARN, "3 missed in a row"))
    assert [e.rule for e in await escalations(world, patient)] == ["sos", "missed_checkins"]


async def test_one_check_in_with_several_findings_is_one_escalation(world: World) -> None:
    patient = await patient_of(world)
    async with world.services.store.uow() as uow:
        out = Outgoing(f"test:{world.update_id()}", world.clock.now())
        findings = [
            Finding("reported_use", Level.URGENT, "reported use"),
            Finding("craving_high", Level.URGENT, "craving 9 ≥ default threshold 8"),
            Finding("low_confidence", Level.WARN, "confidence 2 ≤ default threshold 3"),
        ]
        await world.services.escalations.raise_findings(
            uow, patient, findings, out, source="check-in"
        )
        await commit(uow, out)
    escalation = await the_escalation(world, patient)
    assert (escalation.rule, len(escalation.reasons)) == ("reported_use", 3)
    assert await alerts(world) == 1
