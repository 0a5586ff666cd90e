"""Field encryption inside one transaction.

A :class:`Vault` belongs to one unit of work. It loads data keys from ``data_keys`` on
first use and forgets them when the transaction ends, so erasing a patient (destroying
their data key) takes effect at once in every process.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.ids import new_id
from bot.store import crypto
from bot.store.crypto import SYSTEM_KEY_ID, KeyRing, WrappedKey
from bot.store.tables import DataKeyRow, PatientRow


class Vault:
    def __init__(self, ring: KeyRing, session: AsyncSession) -> None:
        self.ring = ring
        self._session = session
        self._keys: dict[str, AESGCM] = {}
        self._patient_key: dict[str, str] = {}

    # --- data keys ------------------------------------------------------------------
    async def create_data_key(self, now: datetime, key_id: str | None = None) -> str:
        key_id = key_id or new_id()
        raw = crypto.generate_key()
        wrapped = crypto.wrap_data_key(self.ring, key_id, raw)
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
        raw = crypto.unwrap_data_key(self.ring, WrappedKey(row.id, row.master_key_id, row.wrapped))
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
                    raw = crypto.unwrap_data_key(
                        self.ring, WrappedKey(key_id, master_key_id, wrapped)
                    )
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

    def index(self, purpose: str, value: str | int) -> str:
        return crypto.blind_index(self.ring.index_key, purpose, str(value))
