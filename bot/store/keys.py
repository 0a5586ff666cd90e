"""Opening, checking and rotating keys for a database.

Rules: a key file is created only for a database that holds no encrypted data yet;
a missing or wrong key in front of existing data is a clear error; rotation re-wraps
data keys (never row ciphertexts), retires only master keys that no longer wrap
anything, and can be re-run after a crash. A running bot picks up a rotated key file
by itself (see :mod:`bot.store.vault`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.config import Settings
from bot.store import crypto
from bot.store.crypto import SYSTEM_KEY_ID, KeyRing, WrappedKey
from bot.store.database import Database
from bot.store.keyfile import (
    KeyFile,
    KeyFileError,
    create_key_file,
    read_key_file,
    ring_from_environment,
)
from bot.store.tables import DataKeyRow, MetaRow
from bot.store.vault import ACTIVE_MASTER_KEY, Vault

INDEX_CHECK = "index_key_check"
log = logging.getLogger(__name__)


@dataclass
class OpenedKeys:
    """The key ring in use and, if it came from one, its key file (a :class:`KeySource`)."""

    ring: KeyRing
    key_file: KeyFile | None
    notices: list[str] = field(default_factory=list)
    _seen: tuple[int, int] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self._seen = self._stamp()

    def _stamp(self) -> tuple[int, int] | None:
        if self.key_file is None:
            return None
        try:
            stat = self.key_file.path.stat()
        except OSError:
            return None
        return (stat.st_mtime_ns, stat.st_size)

    def reload(self) -> bool:
        """Re-read the key file if it changed on disk (another process rotated keys)."""
        if self.key_file is None:
            return False
        stamp = self._stamp()
        if stamp is None or stamp == self._seen:
            return False
        try:
            fresh = read_key_file(self.key_file.path)
        except KeyFileError as exc:
            log.warning("keys.reload_failed reason=%s", exc)
            return False
        self._seen = stamp
        self.key_file, self.ring = fresh, fresh.ring()
        log.info("keys.reloaded master_keys=%d", len(self.ring.master_keys))
        return True


async def _has_encrypted_data(db: Database) -> bool:
    async with db.sessions() as session:
        count = await session.scalar(select(func.count()).select_from(DataKeyRow))
    return bool(count)


async def open_keys(settings: Settings, db: Database, *, create: bool) -> OpenedKeys:
    """Load the key ring for ``db``; create the key file only if allowed and safe."""
    if settings.master_keys is not None and settings.index_key is not None:
        try:
            ring = ring_from_environment(
                settings.master_keys.get_secret_value(), settings.index_key.get_secret_value()
            )
        except crypto.KeyProblem as exc:
            raise KeyFileError(f"COMPANION_MASTER_KEYS/COMPANION_INDEX_KEY: {exc}") from None
        opened = OpenedKeys(ring, None)
    else:
        path = settings.resolved_key_file
        if path.exists():
            key_file = read_key_file(path)
            opened = OpenedKeys(key_file.ring(), key_file)
        elif await _has_encrypted_data(db):
            raise KeyFileError(
                f"key file {path} not found, but the database holds encrypted data. "
                "Restore the key file from your backup (or set COMPANION_KEY_FILE to where "
                "it is). A new key would not open the existing data, so none is created."
            )
        elif not create:
            raise KeyFileError(f"key file {path} not found; run `clinician init` first")
        else:
            key_file = create_key_file(path)
            opened = OpenedKeys(
                key_file.ring(),
                key_file,
                [
                    f"Created key file {path} (mode 0600). Back it up now, separately from "
                    "the database: without it the stored data cannot be read."
                ],
            )
    await check_or_initialise(db, opened.ring, create=create)
    return opened


async def check_or_initialise(db: Database, ring: KeyRing, *, create: bool) -> None:
    """Verify the ring against the database, or seed a new database's system key."""
    check = crypto.index_key_check(ring.index_key)
    async with db.sessions() as session, session.begin():
        stored = await session.get(MetaRow, INDEX_CHECK)
        if stored is not None and stored.value != check:
            raise crypto.WrongKey(
                "the blind-index key does not belong to this database; use the key file "
                "(or COMPANION_INDEX_KEY) that was used when the database was created"
            )
        active = await session.get(MetaRow, ACTIVE_MASTER_KEY)
        if active is not None and active.value not in ring.master_keys:
            raise crypto.UnknownMasterKey(
                f"the database wraps new data under master key {active.value!r} (made active "
                "by `clinician keys rotate`), which these keys do not include; use the "
                "current key file or add the key to COMPANION_MASTER_KEYS"
            )
        system = await session.get(DataKeyRow, SYSTEM_KEY_ID)
        if system is not None and system.wrapped is not None:
            crypto.unwrap_data_key(
                ring, WrappedKey(system.id, system.master_key_id, system.wrapped)
            )
        if stored is None or system is None:
            if not create:
                raise KeyFileError("the database is not initialised; run `clinician init` first")
            if stored is None:
                session.add(MetaRow(name=INDEX_CHECK, value=check))
            if active is None:
                session.add(MetaRow(name=ACTIVE_MASTER_KEY, value=ring.active_id))
            if system is None:
                await Vault(ring, session).create_data_key(_now(), key_id=SYSTEM_KEY_ID)


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class RotationResult:
    new_key_id: str
    rewrapped: int
    retired: list[str]
    kept: list[str] = field(default_factory=list)


async def _make_active(db: Database, key_id: str) -> None:
    """Name the new wrapping key in the database; waits for transactions wrapping now."""
    async with db.sessions() as session, session.begin():
        row = await session.get(MetaRow, ACTIVE_MASTER_KEY, with_for_update=True)
        if row is None:
            session.add(MetaRow(name=ACTIVE_MASTER_KEY, value=key_id))
        else:
            row.value = key_id


async def _keys_in_use(db: Database) -> set[str]:
    async with db.sessions() as session:
        used = await session.scalars(
            select(DataKeyRow.master_key_id).where(DataKeyRow.wrapped.is_not(None)).distinct()
        )
        return set(used)


async def rotate_master_key(
    opened: OpenedKeys,
    db: Database,
    *,
    progress: Callable[[int, int], None] | None = None,
    batch: int = 500,
) -> RotationResult:
    """Make a new master key active and re-wrap every data key under it.

    With a key file: the new key is saved first (so a crash leaves both keys present),
    the database is told which key wraps from now on (running bots re-read the file),
    data keys are re-wrapped in batches, then old keys that wrap nothing are retired.
    With keys from the environment the active (first) key is used and the ids that can
    be removed from COMPANION_MASTER_KEYS are returned as ``retired``; every running
    instance must already hold the new key (restart them first).
    """
    if opened.key_file is not None:
        opened.key_file.add_master_key()
        opened.key_file.save()
        opened.ring = opened.key_file.ring()
    ring = opened.ring
    await _make_active(db, ring.active_id)
    async with db.sessions() as session:
        total = await session.scalar(
            select(func.count())
            .select_from(DataKeyRow)
            .where(DataKeyRow.wrapped.is_not(None), DataKeyRow.master_key_id != ring.active_id)
        )
    total = int(total or 0)
    done = 0
    while True:
        async with db.sessions() as session, session.begin():
            rows = (
                await session.scalars(
                    select(DataKeyRow)
                    .where(
                        DataKeyRow.wrapped.is_not(None),
                        DataKeyRow.master_key_id != ring.active_id,
                    )
                    .limit(batch)
                    .with_for_update()
                )
            ).all()
            for row in rows:
                assert row.wrapped is not None
                new = crypto.rewrap_data_key(
                    ring, WrappedKey(row.id, row.master_key_id, row.wrapped)
                )
                row.master_key_id, row.wrapped = new.master_key_id, new.wrapped
        done += len(rows)
        if progress is not None:
            progress(done, total)
        if len(rows) < batch:
            break
    in_use = await _keys_in_use(db)
    old = sorted(k for k in ring.master_keys if k != ring.active_id)
    retired = [k for k in old if k not in in_use]
    kept = [k for k in old if k in in_use]
    if opened.key_file is not None:
        for key_id in retired:
            opened.key_file.retire(key_id)
        opened.key_file.save()
        opened.ring = opened.key_file.ring()
    return RotationResult(ring.active_id, done, retired, kept)
