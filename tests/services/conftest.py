"""Service tests: real store (SQLite and PostgreSQL), a manual clock, outbox as the output."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.bootstrap import Services, build_services
from bot.config import load_settings
from bot.domain.model import OutboundMessage, Patient, PatientStatus, Role, Staff
from bot.services.access import Actor
from bot.services.clock import ManualClock
from bot.store.uow import Store
from tests.factories import make_staff, make_team


@dataclass
class World:
    services: Services
    clock: ManualClock
    admin: Actor
    clinician: Actor
    staff: Staff
    team_id: str
    next_update: int = 1000

    def update_id(self) -> int:
        """A new Telegram update; a second passes between updates, as in life."""
        self.next_update += 1
        self.clock.advance(timedelta(seconds=1))
        return self.next_update

    async def outbox(self, **match: Any) -> list[OutboundMessage]:
        async with self.services.store.uow() as uow:
            rows = await uow.outbox.listing(limit=1000)
            full = [await uow.outbox.get(r.id) for r in rows]
        found = [m for m in reversed(full) if m is not None]
        return [m for m in found if all(getattr(m, k) == v for k, v in match.items())]

    async def texts_for(self, patient: Patient) -> list[str]:
        return [
            str(m.payload.get("text", ""))
            for m in await self.outbox(recipient_id=patient.id)
            if m.method == "sendMessage"
        ]

    async def patient(self, reference: str) -> Patient:
        async with self.services.store.uow() as uow:
            patient = await uow.patients.by_reference(reference)
        assert patient is not None
        return patient

    def tick(self, **delta: float) -> datetime:
        return self.clock.advance(timedelta(**delta))


async def active_patient(
    world: World, name: str = "Avery Quill", chat_id: int = 700001, tz: str = "Europe/Dublin"
) -> Patient:
    """Added by the clinician, then made active directly: chat linked, consent given now."""
    added = await world.services.patients.add(world.clinician, name, tz)
    active = replace(
        added,
        status=PatientStatus.ACTIVE,
        chat_id=chat_id,
        consented_at=world.clock.now(),
        last_interaction_at=world.clock.now(),
    )
    async with world.services.store.uow() as uow:
        await uow.patients.update(active)
        await uow.commit()
    return active


async def enrolled_patient(
    world: World,
    chat_id: int,
    name: str = "Avery Quill",
    tz: str = "Europe/London",
    plan: str | None = None,
) -> Patient:
    """Added, invited, and enrolled through the services: /start with the code, then agreed
    (with ``plan`` published first, when given)."""
    patient = await world.services.patients.add(world.clinician, name, tz)
    if plan is not None:
        await world.services.plans.publish(
            world.clinician, patient.reference, plan, note="first plan", source="plan.yaml"
        )
    invite = await world.services.patients.invite(world.clinician, patient.reference)
    await world.services.enrolment.start(chat_id, invite.code, world.update_id())
    await world.services.enrolment.consent(chat_id, True, "cb-consent", world.update_id())
    return await world.patient(patient.reference)


@pytest.fixture
async def world(store: Store, now: datetime) -> World:
    clock = ManualClock(now)
    services = build_services(store, load_settings(), clock)
    staff = make_staff(now)
    admin_staff = make_staff(now, "admin.ada", Role.ADMIN)
    team = make_team(now)
    async with store.uow() as uow:
        await uow.teams.add(team)
        await uow.staff.add(staff)
        await uow.staff.add(admin_staff)
        await uow.teams.add_member(team.id, staff.id, now)
        await uow.commit()
    return World(
        services=services,
        clock=clock,
        admin=Actor(staff=admin_staff),
        clinician=Actor(staff=staff, team_ids=frozenset({team.id})),
        staff=staff,
        team_id=team.id,
    )
