"""Field encryption inside one transaction.

A :class:`Vault` belongs to one unit of work. It loads data keys from ``data_keys`` on
first use and forgets them when the transaction ends, so erasing a patient (destroying
their data key) takes effect at once in every process.

Master keys come from a :class:`KeySource`. When ``clinician keys rotate`` runs while the
bot is up, data keys get re-wrapped under a master key the bot has not loaded: the vault
then asks the source to re-read the key file once and tries again. New data keys are
wrapped under the master key the database names as active (``meta.active_master_key``),
read under a shared lock, so a rotation never misses a key created while it runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.ids import new_id
from bot.store import crypto
from bot.store.crypto import SYSTEM_KEY_ID, KeyRing, WrappedKey
from bot.store.tables import DataKeyRow, MetaRow, PatientRow

ACTIVE_MASTER_KEY = "active_master_key"


class KeySource(Protocol):
    """Where a process gets its key ring; ``reload`` re-reads it, True if it changed."""

    @property
    def ring(self) -> KeyRing: ...

    def reload(self) -> bool: ...


class FixedKeys:
    """A key ring that never changes (keys from the environment, tests)."""

    def __init__(self, ring: KeyRing) -> None:
        self._ring = ring

    @property
    def ring(self) -> KeyRing:
        return self._ring

    def reload(self) -> bool:
        return False


def as_key_source(keys: KeyRing | KeySource) -> KeySource:
    return FixedKeys(keys) if isinstance(keys, KeyRing) else keys


class Vault:
    def __init__(self, keys: KeyRing | KeySource, session: AsyncSession) -> None:
        self._source = as_key_source(keys)
        self._session = session
        self._keys: dict[str, AESGCM] = {}
        self._patient_key: dict[str, str] = {}

    @property
    def ring(self) -> KeyRing:
        return self._source.ring

    def _unwrap(self, wrapped: WrappedKey) -> bytes:
        try:
            return crypto.unwrap_data_key(self.ring, wrapped)
        except crypto.UnknownMasterKey:
            if wrapped.master_key_id in self.ring.master_keys or not self._source.reload():
                raise
            return crypto.unwrap_data_key(self.ring, wrapped)

    async def _wrapping_key_id(self) -> str:
        """The master key new data keys go under: the database's choice, if it made one."""
        active = await self._session.scalar(
            select(MetaRow.value)
            .where(MetaRow.name == ACTIVE_MASTER_KEY)
            .with_for_update(read=True)
        )
        if active is None:
            return self.ring.active_id
        if active not in self.ring.master_keys and not (
            self._source.reload() and active in self.ring.master_keys
        ):
            raise crypto.UnknownMasterKey(
                f"master key {active!r} was made active by `clinician keys rotate`, but this "
                "process does not hold it; restart it with the new COMPANION_MASTER_KEYS "
                "(or the current key file)"
            )
        return active

    # --- data keys ------------------------------------------------------------------
    async def create_data_key(self, now: datetime, key_id: str | None = None) -> str:
        key_id = key_id or new_id()
        raw = crypto.generate_key()
        wrapped = crypto.wrap_data_key(self.ring, key_id, raw, await self._wrapping_key_id())
        self._session.add(
            DataKeyRow(
                id=key_id,
                master_key_id=wrapped.master_key_id,
                wrapped=wrapped.wrapped,
                created_at=now,
            )
        )
        self._keys[key_id] = AESGCM(raw)
        return key_id

    async def destroy_data_key(self, key_id: str, now: datetime) -> None:
        await self._session.execute(
            update(DataKeyRow).where(DataKeyRow.id == key_id).values(wrapped=None, destroyed_at=now)
        )
        self._keys.pop(key_id, None)
        self._patient_key = {p: k for p, k in self._patient_key.items() if k != key_id}

    async def _data_key(self, key_id: str) -> AESGCM:
        cached = self._keys.get(key_id)
        if cached is not None:
            return cached
        row = await self._session.get(DataKeyRow, key_id)
        if row is None:
            raise crypto.DataKeyDestroyed(f"data key {key_id} does not exist")
        if row.wrapped is None:
            raise crypto.DataKeyDestroyed(f"data key {key_id} was destroyed")
        raw = self._unwrap(WrappedKey(row.id, row.master_key_id, row.wrapped))
        key = AESGCM(raw)
        self._keys[key_id] = key
        return key

    def remember_patient_key(self, patient_id: str, key_id: str) -> None:
        self._patient_key[patient_id] = key_id

    async def preload(self, patient_ids: Iterable[str]) -> None:
        """Load many patients' data keys, one query per 2,000 patients (bulk jobs)."""
        wanted = [p for p in set(patient_ids) if p not in self._patient_key]
        for chunk_start in range(0, len(wanted), 2000):
            chunk = wanted[chunk_start : chunk_start + 2000]
            rows = await self._session.execute(
                select(PatientRow.id, DataKeyRow.id, DataKeyRow.master_key_id, DataKeyRow.wrapped)
                .join(DataKeyRow, DataKeyRow.id == PatientRow.data_key_id)
                .where(PatientRow.id.in_(chunk))
            )
            for patient_id, key_id, master_key_id, wrapped in rows:
                self._patient_key[patient_id] = key_id
                if wrapped is not None and key_id not in self._keys:
                    raw = self._unwrap(WrappedKey(key_id, master_key_id, wrapped))
                    self._keys[key_id] = AESGCM(raw)

    async def _key_for(self, patient_id: str | None) -> AESGCM:
        if patient_id is None:
            return await self._data_key(SYSTEM_KEY_ID)
        key_id = self._patient_key.get(patient_id)
        if key_id is None:
            key_id = await self._session.scalar(
                select(PatientRow.data_key_id).where(PatientRow.id == patient_id)
            )
            if key_id is None:
                raise crypto.DataKeyDestroyed(f"no data key for patient {patient_id}")
            self._patient_key[patient_id] = key_id
        return await self._data_key(key_id)

    # --- fields ---------------------------------------------------------------------
    async def seal(
        self, table: str, column: str, row_id: str, patient_id: str | None, value: str | bytes
    ) -> bytes:
        data = value.encode() if isinstance(value, str) else value
        key = await self._key_for(patient_id)
        return crypto.encrypt(key, crypto.field_aad(table, column, row_id, patient_id), data)

    async def open(
        self, table: str, column: str, row_id: str, patient_id: str | None, blob: bytes
    ) -> bytes:
        key = await self._key_for(patient_id)
        return crypto.decrypt(key, crypto.field_aad(table, column, row_id, patient_id), blob)

    async def open_text(
        self, table: str, column: str, row_id: str, patient_id: str | None, blob: bytes | None
    ) -> str | None:
        if blob is None:
            return None
        return (await self.open(table, column, row_id, patient_id, blob)).decode()

    async def seal_json(
        self, table: str, column: str, row_id: str, patient_id: str | None, value: Any
    ) -> bytes:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return await self.seal(table, column, row_id, patient_id, text)

    async def open_json(
        self, table: str, column: str, row_id: str, patient_id: str | None, blob: bytes | None
    ) -> Any:
        if blob is None:
            return None
        return json.loads(await self.open(table, column, row_id, patient_id, blob))

    def index(self, purpose: str, value: str | int, *, exact: bool = False) -> str:
        return crypto.blind_index(self.ring.index_key, purpose, str(value), exact=exact)
