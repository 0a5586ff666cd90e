"""Patients: names and chat ids encrypted under each patient's own data key."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.model import Patient, PatientState, PatientStatus
from bot.store.repositories.chat_index import PATIENT_CHAT
from bot.store.repositories.erasure import scrub_patient
from bot.store.tables import PatientRow
from bot.store.vault import Vault

CHAT_PURPOSE = PATIENT_CHAT
TABLE = "patients"


STATE_COLUMNS = (
    PatientRow.id,
    PatientRow.status,
    PatientRow.timezone,
    PatientRow.reachable,
    PatientRow.chat_index,
    PatientRow.paused_until,
    PatientRow.quiet_start,
    PatientRow.quiet_end,
    PatientRow.last_interaction_at,
    PatientRow.consented_at,
    PatientRow.team_id,
)


def state_of(values: Sequence[Any]) -> PatientState:
    """A :class:`PatientState` from values selected in :data:`STATE_COLUMNS` order."""
    (id_, status, timezone, reachable, chat_index, paused_until, quiet_start, quiet_end,
     last_interaction_at, consented_at, team_id) = values  # fmt: skip
    return PatientState(
        id=id_,
        status=PatientStatus(status),
        timezone=timezone,
        reachable=reachable,
        linked=chat_index is not None,
        paused_until=paused_until,
        quiet_start=quiet_start,
        quiet_end=quiet_end,
        last_interaction_at=last_interaction_at,
        consented_at=consented_at,
        team_id=team_id,
    )


def not_erased(patient_id: Any) -> ColumnElement[bool]:
    """Rows whose patient was not erased (their data key, and so their content, exists).

    Every listing that jobs and clinicians read filters with this, so one erased patient
    never breaks (or shows up in) a list of many. A NULL patient id counts as not erased.
    """
    return ~exists().where(
        PatientRow.id == patient_id, PatientRow.status == PatientStatus.ERASED.value
    )


class PatientRepository:
    def __init__(self, session: AsyncSession, vault: Vault) -> None:
        self._session = session
        self._vault = vault

    async def _to_domain(self, row: PatientRow) -> Patient:
        self._vault.remember_patient_key(row.id, row.data_key_id)
        erased = row.status == PatientStatus.ERASED.value
        name = None
        chat_id = None
        if not erased:
            name = await self._vault.open_text(TABLE, "name", row.id, row.id, row.name_enc)
            chat_text = await self._vault.open_text(
                TABLE, "chat_id", row.id, row.id, row.chat_id_enc
            )
            chat_id = None if chat_text is None else int(chat_text)
        return Patient(
            id=row.id,
            reference=row.reference,
            team_id=row.team_id,
            status=PatientStatus(row.status),
            timezone=row.timezone,
            created_at=row.created_at,
            updated_at=row.updated_at,
            name=name,
            language=row.language,
            chat_id=chat_id,
            reachable=row.reachable,
            consent_version=row.consent_version,
            consented_at=row.consented_at,
            paused_until=row.paused_until,
            quiet_start=row.quiet_start,
            quiet_end=row.quiet_end,
            window_start=row.window_start,
            window_end=row.window_end,
            last_interaction_at=row.last_interaction_at,
            created_by=row.created_by,
            erased_at=row.erased_at,
            awaiting=row.awaiting,
            awaiting_until=row.awaiting_until,
        )

    async def add(self, patient: Patient) -> None:
        """Insert a patient with a fresh data key of their own."""
        key_id = await self._vault.create_data_key(patient.created_at)
        self._vault.remember_patient_key(patient.id, key_id)
        row = PatientRow(
            id=patient.id,
            reference=patient.reference,
            team_id=patient.team_id,
            data_key_id=key_id,
            status=patient.status.value,
            timezone=patient.timezone,
            language=patient.language,
            reachable=patient.reachable,
            window_start=patient.window_start,
            window_end=patient.window_end,
            created_by=patient.created_by,
            created_at=patient.created_at,
            updated_at=patient.updated_at,
        )
        await self._write_secrets(row, patient)
        self._session.add(row)
        await self._session.flush()

    async def _write_secrets(self, row: PatientRow, patient: Patient) -> None:
        row.name_enc = (
            None
            if patient.name is None
            else await self._vault.seal(TABLE, "name", row.id, row.id, patient.name)
        )
        if patient.chat_id is None:
            row.chat_index = None
            row.chat_id_enc = None
        else:
            row.chat_index = self._vault.index(CHAT_PURPOSE, patient.chat_id)
            row.chat_id_enc = await self._vault.seal(
                TABLE, "chat_id", row.id, row.id, str(patient.chat_id)
            )

    async def update(self, patient: Patient) -> None:
        row = await self._session.get(PatientRow, patient.id)
        if row is None:
            raise LookupError(patient.id)
        row.team_id = patient.team_id
        row.status = patient.status.value
        row.timezone = patient.timezone
        row.language = patient.language
        row.reachable = patient.reachable
        row.consent_version = patient.consent_version
        row.consented_at = patient.consented_at
        row.paused_until = patient.paused_until
        row.quiet_start = patient.quiet_start
        row.quiet_end = patient.quiet_end
        row.window_start = patient.window_start
        row.window_end = patient.window_end
        row.last_interaction_at = patient.last_interaction_at
        row.awaiting = patient.awaiting
        row.awaiting_until = patient.awaiting_until
        row.updated_at = patient.updated_at
        if patient.status is not PatientStatus.ERASED:
            await self._write_secrets(row, patient)
        await self._session.flush()

    async def get(self, patient_id: str) -> Patient | None:
        row = await self._session.get(PatientRow, patient_id)
        return None if row is None else await self._to_domain(row)

    async def by_reference(self, reference: str) -> Patient | None:
        row = await self._session.scalar(
            select(PatientRow).where(PatientRow.reference == reference.strip().upper())
        )
        return None if row is None else await self._to_domain(row)

    async def by_chat(self, chat_id: int) -> Patient | None:
        index = self._vault.index(CHAT_PURPOSE, chat_id)
        row = await self._session.scalar(select(PatientRow).where(PatientRow.chat_index == index))
        return None if row is None else await self._to_domain(row)

    async def find(
        self,
        *,
        team_ids: Collection[str] | None = None,
        statuses: Collection[PatientStatus] | None = None,
    ) -> list[Patient]:
        query = select(PatientRow).order_by(PatientRow.reference)
        if team_ids is not None:
            query = query.where(PatientRow.team_id.in_(list(team_ids)))
        if statuses is not None:
            query = query.where(PatientRow.status.in_([s.value for s in statuses]))
        return [await self._to_domain(r) for r in await self._session.scalars(query)]

    async def states(self, patient_ids: Collection[str]) -> dict[str, PatientState]:
        """Scheduling facts for many patients in one query (nothing decrypted)."""
        out: dict[str, PatientState] = {}
        ids = list(set(patient_ids))
        for start in range(0, len(ids), 2000):
            rows = await self._session.execute(  # columns only: a tick reads thousands
                select(*STATE_COLUMNS).where(PatientRow.id.in_(ids[start : start + 2000]))
            )
            out.update({row.id: state_of(row) for row in rows})
        return out

    async def silent_since(
        self, before: datetime, limit: int = 500, *, after_id: str | None = None
    ) -> list[PatientState]:
        """Active patients with no interaction since ``before``, one page in id order.

        Pass the last id of a page as ``after_id`` for the next; an empty page is the end.
        """
        query = (
            select(*STATE_COLUMNS)
            .where(
                PatientRow.status == PatientStatus.ACTIVE.value,
                PatientRow.last_interaction_at < before,
            )
            .order_by(PatientRow.id)
            .limit(limit)
        )
        if after_id is not None:
            query = query.where(PatientRow.id > after_id)
        return [state_of(row) for row in await self._session.execute(query)]

    async def active_page(self, limit: int, *, after_id: str | None = None) -> list[str]:
        """Ids of active patients, one page in id order (nothing decrypted)."""
        query = (
            select(PatientRow.id)
            .where(PatientRow.status == PatientStatus.ACTIVE.value)
            .order_by(PatientRow.id)
            .limit(limit)
        )
        if after_id is not None:
            query = query.where(PatientRow.id > after_id)
        return list(await self._session.scalars(query))

    async def pause_ended(self, now: datetime) -> list[PatientState]:
        rows = await self._session.execute(
            select(*STATE_COLUMNS).where(
                PatientRow.status == PatientStatus.PAUSED.value, PatientRow.paused_until <= now
            )
        )
        return [state_of(row) for row in rows]

    async def erase(self, patient: Patient, now: datetime) -> Patient:
        """Crypto-shred: scrub what the key does not cover, destroy the data key, drop
        identifying columns (see :mod:`bot.store.repositories.erasure`)."""
        row = await self._session.get(PatientRow, patient.id)
        if row is None:
            raise LookupError(patient.id)
        await scrub_patient(self._session, self._vault, row.id, row.chat_index, now)
        await self._vault.destroy_data_key(row.data_key_id, now)
        row.name_enc = None
        row.chat_index = None
        row.chat_id_enc = None
        row.awaiting = None
        row.awaiting_until = None
        row.status = PatientStatus.ERASED.value
        row.erased_at = now
        row.updated_at = now
        await self._session.flush()
        return replace(
            patient,
            status=PatientStatus.ERASED,
            name=None,
            chat_id=None,
            erased_at=now,
            updated_at=now,
        )
