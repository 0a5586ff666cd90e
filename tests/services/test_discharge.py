"""Discharging over open escalations: refused with the list, or forced with a reason that
goes on each escalation's timeline (never into the audit log)."""

from __future__ import annotations

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.model import EscalationStatus, Level, Patient, PatientStatus
from bot.domain.risk import Finding
from bot.services import texts
from bot.services.outgoing import Outgoing
from bot.services.patients import OpenEscalations
from tests.services.conftest import World
from tests.services.scenes import PATIENT_CHAT, active_patient, link_staff

REASON = "Moved to the inpatient unit; their new team has the history"


async def raise_(world: World, patient: Patient, rule: str, level: Level) -> str:
    async with world.services.store.uow() as uow:
        out = Outgoing(f"test:{world.update_id()}", world.clock.now())
        [escalation] = await world.services.escalations.raise_findings(
            uow, patient, [Finding(rule, level, "a reason from the rules")], out, source="test"
        )
        for message in out.messages:
            await uow.outbox.enqueue(message)
        await uow.commit()
    return escalation.reference


async def four_open(world: World, patient: Patient) -> list[str]:
    """Two urgent never acknowledged, one warn acknowledged, one info: all still open
    (a day apart, so that none joins another)."""
    refs = []
    for rule, level in (
        ("craving_high", Level.URGENT),
        ("reported_use", Level.URGENT),
        ("triage_concern", Level.WARN),
        ("missed_checkins", Level.INFO),
    ):
        refs.append(await raise_(world, patient, rule, level))
        world.tick(days=1)
    await world.services.escalations.acknowledge(world.clinician, refs[2])
    return refs


async def test_a_discharge_is_refused_while_escalations_are_open(world: World) -> None:
    patient = await active_patient(world, chat_id=PATIENT_CHAT)
    refs = await four_open(world, patient)
    with pytest.raises(OpenEscalations) as refused:
        await world.services.patients.discharge(world.clinician, patient.reference)
    message = str(refused.value)
    assert f"{refs[0]} urgent (never acknowledged)" in message
    assert f"{refs[1]} urgent (never acknowledged)" in message
    assert f"{refs[2]} warn (acknowledged)" in message
    assert f"{refs[3]} info" in message and "--force --reason" in message
    assert refused.value.exit_code == 5
    assert (await world.patient(patient.reference)).status is PatientStatus.ACTIVE
    assert texts.CareChanges.DISCHARGED not in await world.texts_for(patient)


@pytest.mark.parametrize(
    ("force", "reason", "problem"),
    [
        (True, None, "--force needs --reason"),
        (True, "   ", "--force needs --reason"),
        (False, REASON, "--reason goes with --force"),
        (True, "x" * 1001, "at most 1000"),
    ],
)
async def test_force_and_reason_go_together(
    world: World, force: bool, reason: str | None, problem: str
) -> None:
    patient = await active_patient(world, chat_id=PATIENT_CHAT)
    with pytest.raises(InvalidInput, match=problem):
        await world.services.patients.discharge(
            world.clinician, patient.reference, force=force, reason=reason
        )


async def test_a_forced_discharge_resolves_each_with_the_reason_on_its_timeline(
    world: World,
) -> None:
    patient = await active_patient(world, chat_id=PATIENT_CHAT)
    refs = await four_open(world, patient)
    done = await world.services.patients.discharge(
        world.clinician, patient.reference, force=True, reason=REASON
    )
    assert [e.reference for e in done.resolved] == refs
    assert done.patient.status is PatientStatus.DISCHARGED
    for ref in refs:
        detail = await world.services.escalations.show(world.clinician, ref)
        assert detail.escalation.status is EscalationStatus.RESOLVED
        assert detail.escalation.resolved_by == world.staff.id
        (resolved,) = [e for e in detail.events if e.kind == "resolved"]
        assert resolved.detail == f"closed at discharge: {REASON}"


async def test_the_audit_names_the_resolved_escalations_but_never_the_reason(
    world: World,
) -> None:
    patient = await active_patient(world, chat_id=PATIENT_CHAT)
    refs = await four_open(world, patient)
    await world.services.patients.discharge(
        world.clinician, patient.reference, force=True, reason=REASON
    )
    async with world.services.store.uow() as uow:
        entries = await uow.audit.entries(patient_ref=patient.reference)
    (discharge,) = [e for e in entries if e.action == "patient.discharge"]
    assert discharge.detail == "status=discharged forced resolved=" + ",".join(refs)
    resolves = [e.detail for e in entries if e.action == "escalation.resolve"]
    assert resolves == refs
    assert not any("inpatient" in f"{e.action} {e.detail}" for e in entries)


async def test_resolving_at_discharge_marks_the_alerts_the_team_received(world: World) -> None:
    await link_staff(world)
    patient = await active_patient(world, chat_id=PATIENT_CHAT)
    await raise_(world, patient, "craving_high", Level.URGENT)
    await world.services.patients.discharge(
        world.clinician, patient.reference, force=True, reason=REASON
    )
    edits = await world.outbox(recipient_kind="staff", method="editMessageText")
    assert edits and all("✔ Resolved by" in str(m.payload["text"]) for m in edits)
    assert all("inpatient" not in str(m.payload["text"]) for m in edits)


async def test_a_discharge_with_nothing_open_needs_no_force(world: World) -> None:
    patient = await active_patient(world, chat_id=PATIENT_CHAT)
    await raise_(world, patient, "craving_high", Level.URGENT)
    (ref,) = [
        e.reference
        for e, _ in await world.services.escalations.list_for(
            world.clinician, open_only=True, patient_ref=patient.reference
        )
    ]
    await world.services.escalations.resolve(world.clinician, ref, "called them back")
    done = await world.services.patients.discharge(world.clinician, patient.reference)
    assert done.patient.status is PatientStatus.DISCHARGED and done.resolved == ()


async def test_an_sos_after_discharge_still_shows_crisis_lines_and_alerts_the_team(
    world: World,
) -> None:
    patient = await active_patient(world, chat_id=PATIENT_CHAT)
    await world.services.patients.discharge(world.clinician, patient.reference)
    assert await world.services.safety.sos(PATIENT_CHAT, world.update_id())
    assert any(texts.SOS_LINES in text for text in await world.texts_for(patient))
    async with world.services.store.uow() as uow:
        (alert,) = await uow.escalations.find(patient_ids=[patient.id])
    assert alert.level is Level.CRISIS
