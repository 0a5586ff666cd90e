"""Silence: one alert per silence, whatever the team did with it, for every silent patient."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.domain.model import Patient
from tests.services.conftest import World, active_patient

NAMES = ("Avery Quill", "Blake Ferrow", "Casey Dunmore", "Drew Halloway", "Emery Stroud")


async def silence_alerts(world: World) -> list[tuple[str, str]]:
    async with world.services.store.uow() as uow:
        found = await uow.escalations.find()
    return sorted((e.patient_id, e.status.value) for e in found if e.rule == "silence")


async def interacts(world: World, patient: Patient) -> None:
    async with world.services.store.uow() as uow:
        stored = await uow.patients.get(patient.id)
        assert stored is not None
        now = world.clock.now()
        await uow.patients.update(replace(stored, last_interaction_at=now, updated_at=now))
        await uow.commit()


async def test_a_resolved_silence_alert_is_not_raised_again_for_the_same_silence(
    world: World,
) -> None:
    patient = await active_patient(world, NAMES[0], 660001)
    world.tick(days=5)
    assert await world.services.ticks.silence() == 1
    await world.services.escalations.resolve(world.clinician, "E-1", "phoned; all well")
    for _ in range(3):  # the job runs hourly
        world.tick(hours=1)
        assert await world.services.ticks.silence() == 0
    world.tick(days=2)
    assert await world.services.ticks.silence() == 0
    assert await silence_alerts(world) == [(patient.id, "resolved")]


async def test_after_the_patient_is_back_a_new_silence_gets_a_new_alert(world: World) -> None:
    patient = await active_patient(world, NAMES[0], 660001)
    world.tick(days=5)
    await world.services.ticks.silence()
    await world.services.escalations.resolve(world.clinician, "E-1", "phoned; all well")
    world.tick(hours=2)
    await interacts(world, patient)
    world.tick(days=5)
    assert await world.services.ticks.silence() == 1
    assert await silence_alerts(world) == [(patient.id, "open"), (patient.id, "resolved")]


async def test_every_silent_patient_is_checked_a_page_at_a_time(world: World) -> None:
    world.services.ticks.silence_page = 2
    patients = [await active_patient(world, n, 660001 + i) for i, n in enumerate(NAMES)]
    world.tick(days=5)
    assert await world.services.ticks.silence() == len(NAMES)
    assert await silence_alerts(world) == sorted((p.id, "open") for p in patients)
    world.tick(hours=1)
    assert await world.services.ticks.silence() == 0


async def test_silent_patients_are_listed_in_pages_by_id(world: World) -> None:
    patients = [await active_patient(world, n, 660001 + i) for i, n in enumerate(NAMES)]
    world.tick(days=5)
    before = world.clock.now() - timedelta(days=1)
    seen: list[str] = []
    after: str | None = None
    async with world.services.store.uow() as uow:
        while page := await uow.patients.silent_since(before, 2, after_id=after):
            assert len(page) <= 2
            seen.extend(state.id for state in page)
            after = page[-1].id
    assert seen == sorted(p.id for p in patients)
