"""A crisis or urgent finding after the last alert of its kind was taken alerts the team
afresh: the patient is told the team was alerted only when an alert really goes out."""

from __future__ import annotations

import pytest

from bot.domain.model import Escalation, EscalationStatus, Level, Patient
from bot.domain.risk import Finding
from bot.services import texts
from bot.services.escalations import team_alerted
from bot.services.outgoing import Outgoing, commit
from tests.services.conftest import World, enrolled_patient

AVERY_CHAT = 640001
RIVERA_CHAT = 990011


async def active_patient(world: World, *, linked: bool = True) -> Patient:
    """Enrolled and consented through the services, the clinician's Telegram linked."""
    patient = await enrolled_patient(world, AVERY_CHAT)
    if linked:
        async with world.services.store.uow() as uow:
            await uow.staff.link_telegram(world.staff.id, RIVERA_CHAT)
            await uow.commit()
    return patient


async def escalations(world: World, patient: Patient) -> list[Escalation]:
    async with world.services.store.uow() as uow:
        found = await uow.escalations.find(patient_ids=[patient.id])
    return sorted(found, key=lambda e: e.number)


async def alerts(world: World) -> list[str]:
    """First lines of the Telegram alerts sent to the clinician, oldest first."""
    sent = await world.outbox(recipient_kind="staff", method="sendMessage")
    return [str(m.payload["text"]).split("\n")[0] for m in sent]


async def raise_(world: World, patient: Patient, finding: Finding) -> None:
    async with world.services.store.uow() as uow:
        out = Outgoing(f"test:{world.update_id()}", world.clock.now())
        await world.services.escalations.raise_findings(uow, patient, [finding], out, source="test")
        await commit(uow, out)


async def test_a_second_sos_after_the_first_was_acknowledged_alerts_the_team_again(
    world: World,
) -> None:
    patient = await active_patient(world)
    await world.services.safety.sos(AVERY_CHAT, world.update_id())
    await world.services.escalations.acknowledge(world.clinician, "E-1")
    world.tick(hours=2)
    await world.services.safety.sos(AVERY_CHAT, world.update_id())
    first, second = await escalations(world, patient)
    assert (first.status, second.status) == (EscalationStatus.ACKNOWLEDGED, EscalationStatus.OPEN)
    assert await alerts(world) == ["🔔 Alert E-1 · CRISIS", "🔔 Alert E-2 · CRISIS"]
    assert (await world.texts_for(patient)).count(texts.SOS_TEAM_TOLD) == 2


async def test_the_new_escalation_names_the_one_taken_before(world: World) -> None:
    await active_patient(world)
    await world.services.safety.sos(AVERY_CHAT, world.update_id())
    await world.services.escalations.acknowledge(world.clinician, "E-1")
    await world.services.safety.sos(AVERY_CHAT, world.update_id())
    detail = await world.services.escalations.show(world.clinician, "E-2")
    follows = [e.detail for e in detail.events if e.kind == "follows"]
    assert follows == ["after E-1 (acknowledged)"]


async def test_crisis_words_after_an_acknowledged_crisis_alert_the_team_again(
    world: World,
) -> None:
    patient = await active_patient(world)
    await world.services.conversation.free_text(AVERY_CHAT, "gonna kill myself", world.update_id())
    (first,) = await escalations(world, patient)
    await world.services.escalations.acknowledge(world.clinician, first.reference)
    world.tick(minutes=30)
    await world.services.conversation.free_text(AVERY_CHAT, "gonna kill myself", world.update_id())
    assert [e.status for e in await escalations(world, patient)] == [
        EscalationStatus.ACKNOWLEDGED,
        EscalationStatus.OPEN,
    ]
    assert len(await alerts(world)) == 2


@pytest.mark.parametrize(
    ("taken", "level", "escalations_after", "alerts_after"),
    [
        pytest.param("acknowledged", Level.CRISIS, 2, 2, id="crisis after acknowledged: new"),
        pytest.param("acknowledged", Level.URGENT, 2, 2, id="urgent after acknowledged: new"),
        pytest.param("acknowledged", Level.WARN, 1, 1, id="warn after acknowledged: added"),
        pytest.param("open", Level.URGENT, 1, 1, id="urgent while open: added"),
        pytest.param("resolved", Level.URGENT, 2, 2, id="urgent after resolved: new"),
    ],
)
async def test_a_finding_after_an_alert_was_taken_opens_a_new_one_only_if_it_is_serious(
    world: World, taken: str, level: Level, escalations_after: int, alerts_after: int
) -> None:
    patient = await active_patient(world)
    await raise_(world, patient, Finding("reported_use", Level.URGENT, "reported use"))
    if taken in ("acknowledged", "resolved"):
        await world.services.escalations.acknowledge(world.clinician, "E-1")
    if taken == "resolved":
        await world.services.escalations.resolve(world.clinician, "E-1", "called; safe")
    world.tick(hours=1)
    await raise_(world, patient, Finding("reported_use", level, "reported use again"))
    assert len(await escalations(world, patient)) == escalations_after
    assert len(await alerts(world)) == alerts_after


async def test_an_sos_says_the_team_was_alerted_only_when_someone_was(world: World) -> None:
    patient = await active_patient(world, linked=False)  # nobody on the team has Telegram
    await world.services.safety.sos(AVERY_CHAT, world.update_id())
    seen = await world.texts_for(patient)
    assert texts.SOS_TEAM_NOT_REACHED in seen and texts.SOS_TEAM_TOLD not in seen
    (escalation,) = await escalations(world, patient)
    async with world.services.store.uow() as uow:
        kinds = [e.kind for e in await uow.escalations.events(escalation)]
    assert "no_recipient" in kinds  # waiting at the top of `clinician escalations`
    async with world.services.store.uow() as uow:
        await uow.staff.link_telegram(world.staff.id, RIVERA_CHAT)
        await uow.commit()
    world.tick(hours=1)
    await world.services.escalations.acknowledge(world.clinician, escalation.reference)
    await world.services.safety.sos(AVERY_CHAT, world.update_id())  # a new one alerts Rivera
    assert (await world.texts_for(patient)).count(texts.SOS_TEAM_TOLD) == 1


async def test_the_patient_is_told_the_team_knows_only_while_an_alert_is_open_and_out(
    world: World,
) -> None:
    patient = await active_patient(world)
    await raise_(world, patient, Finding("reported_use", Level.URGENT, "reported use"))
    (raised,) = await escalations(world, patient)
    async with world.services.store.uow() as uow:
        assert await team_alerted(uow, [raised]) is True
        assert await team_alerted(uow, []) is False
    await world.services.escalations.acknowledge(world.clinician, raised.reference)
    (taken,) = await escalations(world, patient)
    async with world.services.store.uow() as uow:
        assert await team_alerted(uow, [taken]) is False  # only added to a taken one
