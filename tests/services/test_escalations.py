"""Escalations: one per rule while open, upgraded by a higher level, created with their cause."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.domain.model import Level, Patient, PatientStatus
from bot.domain.risk import Finding
from bot.services.outgoing import Outgoing
from tests.services.conftest import World


async def patient_of(world: World) -> Patient:
    patient = await world.services.patients.add(world.clinician, "Avery Quill", "Europe/London")
    async with world.services.store.uow() as uow:
        stored = await uow.patients.get(patient.id)
        assert stored is not None
        active = replace(stored, status=PatientStatus.ACTIVE, chat_id=880001)
        await uow.patients.update(active)
        await uow.commit()
    return active


async def raise_(world: World, patient: Patient, *findings: Finding) -> None:
    async with world.services.store.uow() as uow:
        out = Outgoing(f"test:{world.update_id()}", world.clock.now())
        await world.services.escalations.raise_findings(
            uow, patient, list(findings), out, source="test"
        )
        for message in out.messages:
            await uow.outbox.enqueue(message)
        await uow.commit()


async def found(world: World, patient: Patient) -> list[tuple[str, Level, tuple[str, ...]]]:
    async with world.services.store.uow() as uow:
        return [
            (e.rule, e.level, e.reasons)
            for e in await uow.escalations.find(patient_ids=[patient.id])
        ]


async def test_the_same_rule_within_the_window_adds_to_the_open_escalation(world: World) -> None:
    patient = await patient_of(world)
    await raise_(world, patient, Finding("craving_high", Level.URGENT, "craving 8 ≥ 8"))
    world.tick(hours=2)
    await raise_(world, patient, Finding("craving_high", Level.URGENT, "craving 9 ≥ 8"))
    assert await found(world, patient) == [
        ("craving_high", Level.URGENT, ("craving 8 ≥ 8", "craving 9 ≥ 8"))
    ]


async def test_a_higher_level_upgrades_the_open_escalation(world: World) -> None:
    patient = await patient_of(world)
    await raise_(world, patient, Finding("triage_concern", Level.WARN, "hopelessness"))
    await raise_(world, patient, Finding("triage_concern", Level.URGENT, "hopelessness again"))
    ((_, level, reasons),) = await found(world, patient)
    assert level is Level.URGENT and len(reasons) == 2
    async with world.services.store.uow() as uow:
        (escalation,) = await uow.escalations.find(patient_ids=[patient.id])
        kinds = [e.kind for e in await uow.escalations.events(escalation)]
    assert [k for k in kinds if k != "no_recipient"] == ["raised", "upgraded"]


async def test_after_the_window_the_same_rule_opens_a_new_escalation(world: World) -> None:
    patient = await patient_of(world)
    await raise_(world, patient, Finding("silence", Level.WARN, "no interaction for 4 days"))
    world.tick(hours=13)  # the default merge window is 12 hours
    await raise_(world, patient, Finding("silence", Level.WARN, "no interaction for 5 days"))
    assert len(await found(world, patient)) == 2


async def test_different_rules_are_different_escalations(world: World) -> None:
    patient = await patient_of(world)
    await raise_(
        world,
        patient,
        Finding("craving_high", Level.URGENT, "craving 9"),
        Finding("reported_use", Level.URGENT, "reported use"),
    )
    assert sorted(r for r, _, _ in await found(world, patient)) == ["craving_high", "reported_use"]


async def test_a_failure_after_raising_rolls_back_the_escalation_and_its_cause(
    world: World,
) -> None:
    patient = await patient_of(world)

    async def fail_after_raising() -> None:
        async with world.services.store.uow() as uow:
            out = Outgoing("boom", world.clock.now())
            await uow.checkins.add(
                world.services.checkins.new_checkin(
                    patient, origin="patient", due_at=out.now, now=out.now
                )
            )
            await world.services.escalations.raise_findings(
                uow, patient, [Finding("sos", Level.CRISIS, "SOS")], out, source="test"
            )
            raise RuntimeError("the process died here")

    with pytest.raises(RuntimeError):
        await fail_after_raising()
    assert await found(world, patient) == []
    async with world.services.store.uow() as uow:
        assert await uow.checkins.for_patient(patient.id) == []
        assert [e for e in await uow.audit.entries() if e.action == "escalation.raise"] == []


async def test_resolving_needs_a_note_and_closes_the_loop(world: World) -> None:
    patient = await patient_of(world)
    await raise_(world, patient, Finding("reported_use", Level.URGENT, "reported use"))
    with pytest.raises(Exception, match="note is empty"):
        await world.services.escalations.resolve(world.clinician, "E-1", "  ")
    acked = await world.services.escalations.acknowledge(world.clinician, "E-1")
    resolved = await world.services.escalations.resolve(
        world.clinician, "E-1", "called, safe, plan reviewed"
    )
    assert acked.acknowledged_by == world.staff.id
    assert resolved.resolution == "called, safe, plan reviewed"
    detail = await world.services.escalations.show(world.clinician, "E-1")
    assert [e.kind for e in detail.events][-2:] == ["acknowledged", "resolved"]
    world.tick(days=1)
    assert await world.services.escalations.renotify_due() == 0


async def test_an_info_notice_is_listed_but_pushes_nothing(world: World) -> None:
    patient = await patient_of(world)
    await raise_(world, patient, Finding("patient_paused", Level.INFO, "paused for 3 days"))
    assert await world.outbox(recipient_kind="staff") == []
    assert [r for r, _, _ in await found(world, patient)] == ["patient_paused"]


async def test_crisis_renotifies_every_five_minutes_until_acknowledged(world: World) -> None:
    patient = await patient_of(world)
    async with world.services.store.uow() as uow:
        await uow.staff.link_telegram(world.staff.id, 990001)
        await uow.commit()
    await raise_(world, patient, Finding("sos", Level.CRISIS, "SOS"))
    assert len(await world.outbox(recipient_kind="staff")) == 1
    world.tick(minutes=4)
    assert await world.services.escalations.renotify_due() == 0
    world.tick(minutes=2)
    assert await world.services.escalations.renotify_due() == 1
    assert len(await world.outbox(recipient_kind="staff")) == 2
    await world.services.escalations.acknowledge(world.clinician, "E-1")
    world.tick(minutes=10)
    assert await world.services.escalations.renotify_due() == 0
