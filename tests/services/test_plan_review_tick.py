"""The plan-review tick: every active patient whose plan is due gets one review notice to
the team, however many patients there are, and running it again adds nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.domain.model import Patient, PatientStatus
from bot.plans.templates import template_text
from tests.services.conftest import World

NAMES = ("Avery Quill", "Blake Ferrow", "Casey Dunmore", "Drew Halloway", "Emery Stroud")


async def with_plan(world: World, name: str, status: PatientStatus) -> Patient:
    patient = await world.services.patients.add(world.clinician, name, "Europe/London")
    await world.services.plans.publish(
        world.clinician,
        patient.reference,
        template_text("alcohol"),
        note="first plan",
        source="plan.yaml",
    )
    async with world.services.store.uow() as uow:
        stored = await uow.patients.get(patient.id)
        assert stored is not None
        await uow.patients.update(replace(stored, status=status))
        await uow.commit()
    return patient


async def review_notices(world: World) -> list[str]:
    async with world.services.store.uow() as uow:
        found = await uow.escalations.find()
    return sorted(e.patient_id for e in found if e.rule == "plan_review")


async def test_every_active_patient_with_an_old_plan_is_flagged_once_across_pages(
    world: World,
) -> None:
    due = [await with_plan(world, name, PatientStatus.ACTIVE) for name in NAMES]
    paused = await with_plan(world, "Finley Marsh", PatientStatus.PAUSED)
    world.clock.advance(timedelta(days=91))
    fresh = await with_plan(world, "Gray Holloway", PatientStatus.ACTIVE)
    world.services.plans.review_page = 2  # five due patients span three pages
    assert await world.services.plans.flag_reviews() == 5
    assert await review_notices(world) == sorted(p.id for p in due)
    assert paused.id not in await review_notices(world)
    assert fresh.id not in await review_notices(world)
    world.clock.advance(timedelta(hours=6))
    assert await world.services.plans.flag_reviews() == 0
