"""Keys at start-up: created once, never silently replaced; rotation re-wraps only."""

from __future__ import annotations

import base64
import json
import stat
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.bootstrap import open_store
from bot.config import load_settings
from bot.domain.ids import new_id
from bot.domain.model import Checkin, CheckinStatus
from bot.store import crypto
from bot.store.database import Database
from bot.store.keyfile import KeyFileError, read_key_file
from bot.store.keys import OpenedKeys, check_or_initialise, rotate_master_key
from bot.store.tables import DataKeyRow, PatientRow
from bot.store.uow import Store
from tests.conftest import new_ring
from tests.factories import seed_patient


def embedded(tmp_path: Path, **extra: object):  # type: ignore[no-untyped-def]
    return load_settings(data_dir=tmp_path / "data", **extra)


async def test_first_start_creates_a_private_key_file_and_says_to_back_it_up(
    tmp_path: Path,
) -> None:
    opened = await open_store(embedded(tmp_path), initialise=True)
    await opened.store.close()
    key_file = tmp_path / "data" / "keys.json"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert any(str(key_file) in n and "Back it up" in n for n in opened.notices)


async def test_first_start_makes_the_database_and_its_folder_private(tmp_path: Path) -> None:
    opened = await open_store(embedded(tmp_path), initialise=True)
    await opened.store.close()
    data = tmp_path / "data"
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    for path in data.glob("companion.db*"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


async def test_a_second_start_reuses_the_key_file_and_says_nothing(tmp_path: Path) -> None:
    first = await open_store(embedded(tmp_path), initialise=True)
    await first.store.close()
    before = (tmp_path / "data" / "keys.json").read_bytes()
    second = await open_store(embedded(tmp_path))
    await second.store.close()
    assert second.notices == []
    assert (tmp_path / "data" / "keys.json").read_bytes() == before


async def test_a_missing_key_file_in_front_of_data_is_an_error_not_a_new_key(
    tmp_path: Path,
) -> None:
    first = await open_store(embedded(tmp_path), initialise=True)
    await first.store.close()
    (tmp_path / "data" / "keys.json").unlink()
    with pytest.raises(KeyFileError, match="not found, but the database holds encrypted data"):
        await open_store(embedded(tmp_path), initialise=True)
    assert not (tmp_path / "data" / "keys.json").exists()


async def test_a_key_file_from_another_installation_is_refused(tmp_path: Path) -> None:
    first = await open_store(embedded(tmp_path / "a"), initialise=True)
    await first.store.close()
    other = await open_store(embedded(tmp_path / "b"), initialise=True)
    await other.store.close()
    settings = embedded(tmp_path / "a", key_file=tmp_path / "b" / "data" / "keys.json")
    with pytest.raises(crypto.WrongKey, match="does not belong to this database"):
        await open_store(settings)


async def test_a_key_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    first = await open_store(embedded(tmp_path), initialise=True)
    await first.store.close()
    key_file = tmp_path / "data" / "keys.json"
    key_file.chmod(0o644)
    with pytest.raises(KeyFileError, match="chmod 600"):
        await open_store(embedded(tmp_path))


async def test_a_damaged_key_file_is_reported_with_its_path(tmp_path: Path) -> None:
    first = await open_store(embedded(tmp_path), initialise=True)
    await first.store.close()
    key_file = tmp_path / "data" / "keys.json"
    data = json.loads(key_file.read_text())
    data["index_key"] = "not base64!"
    key_file.write_text(json.dumps(data))
    with pytest.raises(KeyFileError, match=r"index_key in .*keys.json is not valid base64"):
        read_key_file(key_file)


async def test_keys_from_the_environment_need_no_key_file(tmp_path: Path) -> None:
    master = base64.b64encode(crypto.generate_key()).decode()
    index = base64.b64encode(crypto.generate_key()).decode()
    settings = embedded(tmp_path, master_keys=f"prod-1:{master}", index_key=index)
    opened = await open_store(settings, initialise=True)
    await opened.store.close()
    assert opened.keys.ring.active_id == "prod-1"
    assert not (tmp_path / "data" / "keys.json").exists()


async def test_rotation_rewraps_data_keys_and_keeps_every_value_readable(
    database: Database, now: datetime, tmp_path: Path
) -> None:
    from bot.store.keyfile import create_key_file

    key_file = create_key_file(tmp_path / "keys.json")
    ring = key_file.ring()
    await check_or_initialise(database, ring, create=True)
    store = Store(database, ring)
    checkins = []
    async with store.uow() as uow:
        for i in range(3):
            _, patient = await seed_patient(uow, now, name=f"Person {i}")
            checkin = Checkin(new_id(), patient.id, now, "adhoc", CheckinStatus.SENT, now)
            await uow.checkins.add(checkin)
            await uow.checkins.record_answer(checkin, "mood", 0, i + 4, now)
            checkins.append(checkin)
        await uow.commit()
    old_id = ring.active_id
    opened = OpenedKeys(ring, key_file)
    seen: list[tuple[int, int]] = []
    result = await rotate_master_key(
        opened, database, progress=lambda d, t: seen.append((d, t)), batch=2
    )
    assert result.rewrapped == 4  # three patients and the system key
    assert result.retired == [old_id]
    assert seen[-1] == (4, 4)
    reread = read_key_file(tmp_path / "keys.json")
    assert old_id not in reread.master_keys and old_id in reread.retired
    new_store = Store(database, reread.ring())
    async with new_store.uow() as uow:
        values = [(await uow.checkins.answers(c))[0].value for c in checkins]
        masters = set(await uow.session.scalars(select(DataKeyRow.master_key_id)))
    assert values == [4, 5, 6]
    assert masters == {result.new_key_id}


async def test_a_fresh_ring_cannot_open_a_database_made_with_another(database: Database) -> None:
    await check_or_initialise(database, new_ring(), create=True)
    with pytest.raises(crypto.WrongKey):
        await check_or_initialise(database, new_ring(), create=False)


async def test_a_running_bot_keeps_working_when_another_process_rotates_the_key_file(
    tmp_path: Path, now: datetime
) -> None:
    running = await open_store(embedded(tmp_path), initialise=True)
    async with running.store.uow() as uow:
        _, patient = await seed_patient(uow, now, name="Robin Vale")
        await uow.commit()
    rotating = await open_store(embedded(tmp_path))
    result = await rotate_master_key(rotating.keys, rotating.store.db)
    await rotating.store.close()
    try:
        async with running.store.uow() as uow:  # re-wrapped under a key it had not loaded
            reread = await uow.patients.get(patient.id)
            assert reread is not None and reread.name == "Robin Vale"
            _, newcomer = await seed_patient(uow, now, name="Noor Field")
            await uow.commit()
            key_id = await uow.session.scalar(
                select(DataKeyRow.master_key_id)
                .join(PatientRow, PatientRow.data_key_id == DataKeyRow.id)
                .where(PatientRow.id == newcomer.id)
            )
    finally:
        await running.store.close()
    assert running.keys.ring.active_id == result.new_key_id
    assert key_id == result.new_key_id  # new data goes under the key the database names


async def test_rotation_keeps_an_old_key_that_still_wraps_something(
    tmp_path: Path,
) -> None:
    import sqlite3

    opened = await open_store(embedded(tmp_path), initialise=True)
    old_id = opened.keys.ring.active_id
    db_file = tmp_path / "data" / "companion.db"

    def a_key_slips_in_under_the_old_master(done: int, total: int) -> None:
        with sqlite3.connect(db_file) as conn:
            conn.execute(
                "INSERT INTO data_keys (id, master_key_id, wrapped, created_at) "
                "VALUES ('late', ?, x'00', '2026-03-02 14:30:00.000000')",
                (old_id,),
            )

    result = await rotate_master_key(
        opened.keys, opened.store.db, progress=a_key_slips_in_under_the_old_master
    )
    await opened.store.close()
    assert (result.retired, result.kept) == ([], [old_id])
    assert old_id in read_key_file(tmp_path / "data" / "keys.json").master_keys


async def test_keys_without_the_key_the_database_wraps_under_are_refused_at_start(
    database: Database,
) -> None:
    old = new_ring()
    await check_or_initialise(database, old, create=True)
    both = crypto.KeyRing(
        {"mk-test-2": crypto.generate_key(), **old.master_keys}, "mk-test-2", old.index_key
    )
    await rotate_master_key(OpenedKeys(both, None), database)
    with pytest.raises(crypto.UnknownMasterKey, match="keys rotate"):
        await check_or_initialise(database, old, create=False)


async def test_an_instance_without_the_rotated_key_cannot_create_patients_and_says_why(
    database: Database, now: datetime
) -> None:
    old = new_ring()
    await check_or_initialise(database, old, create=True)
    both = crypto.KeyRing(
        {"mk-test-2": crypto.generate_key(), **old.master_keys}, "mk-test-2", old.index_key
    )
    stale = Store(database, old)  # started before the rotation, never restarted
    await rotate_master_key(OpenedKeys(both, None), database)
    async with stale.uow() as uow:
        with pytest.raises(crypto.UnknownMasterKey, match="restart it"):
            await seed_patient(uow, now, name="Noor Field")
