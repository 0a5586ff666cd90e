"""A crisis or urgent finding after the last alert of its kind was taken alerts the team
afresh: the patient is told the team was alerted only when an alert really goes out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.ids import new_id
from bot.domain.model import Escalation, EscalationStatus, Level, Patient
from bot.domain.risk import Finding
from bot.services import texts
from bot.services.escalations import team_told
from bot.services.outgoing import Outgoing, commit
from tests.services.conftest import World

AVERY_CHAT = 640001
RIVERA_CHAT = 990011


async def active_patient(world: World) -> Patient:
    """Enrolled and consented through the services, the clinician's Telegram linked."""
    patient = await world.services.patients.add(world.clinician, "Avery Quill", "Europe/London")
    invite = await world.services.patients.invite(world.clinician, patient.reference)
    await world.services.enrolment.start(AVERY_CHAT, invite.code, world.update_id())
    await world.services.enrolment.consent(AVERY_CHAT, True, "cb-consent", world.update_id())
    async with world.services.store.uow() as uow:
        await uow.staff.link_telegram(world.staff.id, RIVERA_CHAT)
        await uow.commit()
    return await world.patient(patient.reference)


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


def escalation(status: EscalationStatus) -> Escalation:
    moment = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    return Escalation(
        id=new_id(),
        number=1,
        patient_id=new_id(),
        rule="reported_use",
        level=Level.WARN,
        status=status,
        reasons=("reported use",),
        created_at=moment,
        updated_at=moment + timedelta(minutes=1),
    )


@pytest.mark.parametrize(
    ("statuses", "told"),
    [
        pytest.param([EscalationStatus.OPEN], True, id="an open alert"),
        pytest.param([EscalationStatus.ACKNOWLEDGED], False, id="only added to a taken one"),
        pytest.param([EscalationStatus.ACKNOWLEDGED, EscalationStatus.OPEN], True, id="one open"),
        pytest.param([], False, id="nothing raised"),
    ],
)
def test_the_patient_is_told_the_team_knows_only_while_an_alert_is_open(
    statuses: list[EscalationStatus], told: bool
) -> None:
    assert team_told([escalation(s) for s in statuses]) is told
