"""Fictional people and objects for tests. No real names, chat ids or clinics."""

from __future__ import annotations

from datetime import datetime

from bot.domain.ids import new_id
from bot.domain.model import CareTeam, Patient, PatientStatus, Role, Staff
from bot.store.uow import SqlUnitOfWork


def make_staff(now: datetime, username: str = "dr.rivera", role: Role = Role.CLINICIAN) -> Staff:
    return Staff(
        id=new_id(),
        username=username,
        display_name=username.replace(".", " ").title(),
        role=role,
        active=True,
        created_at=now,
        email=f"{username}@clinic.example",
    )


def make_team(now: datetime, name: str = "Harbor Team") -> CareTeam:
    return CareTeam(id=new_id(), name=name, created_at=now)


def make_patient(
    now: datetime,
    team_id: str,
    *,
    number: int = 1,
    name: str = "Avery Quill",
    chat_id: int | None = None,
    status: PatientStatus = PatientStatus.INVITED,
) -> Patient:
    return Patient(
        id=new_id(),
        reference=f"P-{number:04d}",
        team_id=team_id,
        status=status,
        timezone="America/New_York",
        created_at=now,
        updated_at=now,
        name=name,
        chat_id=chat_id,
    )


async def seed_patient(
    uow: SqlUnitOfWork, now: datetime, **kwargs: object
) -> tuple[CareTeam, Patient]:
    team = await uow.teams.by_name("Harbor Team")
    if team is None:
        team = make_team(now)
        await uow.teams.add(team)
    number = await uow.meta.next_number("patient")
    patient = make_patient(now, team.id, number=number, **kwargs)  # type: ignore[arg-type]
    await uow.patients.add(patient)
    return team, patient
