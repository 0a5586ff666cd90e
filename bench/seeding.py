"""Synthetic patients inserted in bulk (SQLAlchemy Core) into the real schema.

Enrolling 100,000 patients through the services would take long; the rows written here
are the ones enrolment, consent and ``clinician schedule set`` leave behind for an active,
linked patient: a data key wrapped by the master key, the patient row (name and chat id
encrypted under that key, the chat's blind index), and two daily check-in schedules with
their ``next_due_utc``. Every patient has a data key of their own, as in production.

All names are invented ("Synthetic Patient 000042"); chat ids are made up, or the ids of
sandbox users when a benchmark talks to the sandbox.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import cycle

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import insert, update

from bench.zones import ZONES
from bot.domain.ids import new_id
from bot.domain.model import CareTeam, PatientStatus, Role, Staff
from bot.domain.schedule import next_due_text
from bot.services.texts import CONSENT_VERSION
from bot.store import crypto
from bot.store.repositories.patients import CHAT_PURPOSE
from bot.store.tables import CounterRow, DataKeyRow, PatientRow, ScheduleRow
from bot.store.uow import Store

TIMES = ("09:00", "20:00")
FIRST_CHAT_ID = 7_100_000_000  # made-up chat ids for patients no one will message
# Schedules that are not meant to be due get their first occurrence after this much time,
# so none falls due by itself while a benchmark runs (at 07:00 UTC it is 20:00 in
# Auckland: 10% of all evening schedules would join a tick otherwise).
NOT_DUE_FOR = timedelta(hours=1)
BATCH = 2_000


@dataclass
class Population:
    """What was seeded: ids in insertion order, and the first ``due`` patients' due time."""

    team_id: str
    staff_id: str
    patient_ids: list[str] = field(default_factory=list)
    chat_ids: list[int] = field(default_factory=list)
    due: int = 0
    due_at: datetime | None = None
    rows: int = 0
    seconds: float = 0.0

    @property
    def schedules(self) -> int:
        return len(self.patient_ids) * len(TIMES)


async def add_team(store: Store, now: datetime, staff_chat_id: int | None = None) -> Population:
    """A fictional care team with one clinician (linked to Telegram if a chat is given)."""
    team = CareTeam(id=new_id(), name="Synthetic Bench Team", created_at=now)
    staff = Staff(
        id=new_id(),
        username="dr.bench",
        display_name="Dr Bench",
        role=Role.CLINICIAN,
        active=True,
        created_at=now,
    )
    async with store.uow() as uow:
        await uow.teams.add(team)
        await uow.staff.add(staff)
        await uow.teams.add_member(team.id, staff.id, now)
        if staff_chat_id is not None:
            await uow.staff.link_telegram(staff.id, staff_chat_id)
        await uow.commit()
    return Population(team_id=team.id, staff_id=staff.id)


class _Rows:
    """Builds the rows of one patient: data key, patient, schedules."""

    def __init__(self, store: Store, team_id: str, now: datetime, due_at: datetime) -> None:
        ring = store.ring
        self._ring = ring
        self._master = ring.master(ring.active_id)
        self._team_id = team_id
        self._now = now
        self._due_at = due_at
        self._next: dict[tuple[str, str], datetime] = {}
        self._zones = cycle(ZONES)

    def _next_due(self, local_time: str, zone: str) -> datetime:
        key = (local_time, zone)
        if key not in self._next:
            self._next[key] = next_due_text(local_time, "*", zone, self._now + NOT_DUE_FOR)
        return self._next[key]

    def patient(
        self, number: int, chat_id: int, *, due: bool
    ) -> tuple[dict[str, object], dict[str, object], list[dict[str, object]]]:
        now = self._now
        patient_id, key_id = new_id(), new_id()
        raw = crypto.generate_key()
        wrapped = crypto.wrap_data_key(self._ring, key_id, raw)
        data_key = {
            "id": key_id,
            "master_key_id": wrapped.master_key_id,
            "wrapped": wrapped.wrapped,
            "created_at": now,
        }
        aead = AESGCM(raw)
        name = f"Synthetic Patient {number:06d}".encode()
        zone = next(self._zones)
        patient = {
            "id": patient_id,
            "reference": f"P-{number:06d}",
            "team_id": self._team_id,
            "data_key_id": key_id,
            "status": PatientStatus.ACTIVE.value,
            "timezone": zone,
            "language": "en",
            "name_enc": crypto.encrypt(
                aead, crypto.field_aad("patients", "name", patient_id, patient_id), name
            ),
            "chat_index": crypto.blind_index(self._ring.index_key, CHAT_PURPOSE, str(chat_id)),
            "chat_id_enc": crypto.encrypt(
                aead,
                crypto.field_aad("patients", "chat_id", patient_id, patient_id),
                str(chat_id).encode(),
            ),
            "reachable": True,
            "consent_version": CONSENT_VERSION,
            "consented_at": now,
            "window_start": "07:00",
            "window_end": "22:00",
            "last_interaction_at": now,
            "created_at": now,
            "updated_at": now,
        }
        schedules = [
            {
                "id": new_id(),
                "patient_id": patient_id,
                "kind": "regular",
                "local_time": local_time,
                "days": "*",
                "active": True,
                # the first schedule of a "due" patient is due now; the rest as computed
                "next_due_utc": self._due_at
                if due and position == 0
                else self._next_due(local_time, zone),
                "created_at": now,
                "updated_at": now,
            }
            for position, local_time in enumerate(TIMES)
        ]
        return data_key, patient, schedules


async def seed_patients(
    store: Store,
    population: Population,
    count: int,
    *,
    now: datetime,
    due: int = 0,
    due_at: datetime | None = None,
    chat_ids: Sequence[int] | None = None,
) -> Population:
    """Insert ``count`` active, linked patients with two daily schedules each.

    The first ``due`` patients have one schedule due at ``due_at`` (default: a minute
    before ``now``).
    """
    if due > count:
        raise ValueError(f"cannot make {due} of {count} patients due")
    started = time.perf_counter()
    due_at = due_at or now - timedelta(minutes=1)
    build = _Rows(store, population.team_id, now, due_at)
    chats = list(chat_ids) if chat_ids is not None else []
    first = len(population.patient_ids)
    for start in range(0, count, BATCH):
        keys, patients, schedules = [], [], []
        for offset in range(start, min(count, start + BATCH)):
            number = first + offset + 1
            chat_id = chats[offset] if offset < len(chats) else FIRST_CHAT_ID + number
            data_key, patient, rows = build.patient(number, chat_id, due=offset < due)
            keys.append(data_key)
            patients.append(patient)
            schedules.extend(rows)
            population.patient_ids.append(str(patient["id"]))
            population.chat_ids.append(chat_id)
        async with store.db.engine.begin() as conn:
            await conn.execute(insert(DataKeyRow), keys)
            await conn.execute(insert(PatientRow), patients)
            await conn.execute(insert(ScheduleRow), schedules)
        population.rows += len(keys) + len(patients) + len(schedules)
    async with store.db.engine.begin() as conn:
        await conn.execute(
            update(CounterRow)
            .where(CounterRow.name == "patient")
            .values(value=len(population.patient_ids))
        )
    population.due += due
    population.due_at = due_at if due else population.due_at
    population.seconds += time.perf_counter() - started
    return population
