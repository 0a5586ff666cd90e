"""No plaintext of what a patient wrote appears anywhere in the database file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from bot.domain.ids import new_id
from bot.domain.model import Checkin, CheckinStatus, OutboundMessage
from bot.store.database import open_database
from bot.store.keys import check_or_initialise
from bot.store.migrate import upgrade
from bot.store.uow import Store
from tests.conftest import new_ring
from tests.factories import seed_patient

SECRET_ANSWER = "Zephyrine-craving-note-4417 at the harbour bar"
SECRET_NAME = "Quillon Marchetti-Vance"
SECRET_CHAT = 918273645
SECRET_UPDATE = "Vesperline says the urge is back"


def read_database_files(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.iterdir() if p.name.startswith("companion.db"))


async def test_stored_answers_names_and_messages_never_appear_in_the_sqlite_file(
    tmp_path: Path, now: datetime
) -> None:
    path = tmp_path / "companion.db"
    db = open_database(f"sqlite+aiosqlite:///{path}")
    await upgrade(db)
    ring = new_ring()
    await check_or_initialise(db, ring, create=True)
    store = Store(db, ring)
    async with store.uow() as uow:
        _, patient = await seed_patient(uow, now, name=SECRET_NAME, chat_id=SECRET_CHAT)
        checkin = Checkin(new_id(), patient.id, now, "adhoc", CheckinStatus.SENT, now)
        await uow.checkins.add(checkin)
        await uow.checkins.record_answer(checkin, "note", 0, SECRET_ANSWER, now)
        await uow.inbox.add_if_new(1, {"message": {"text": SECRET_UPDATE}}, now)
        await uow.outbox.enqueue(
            OutboundMessage(
                new_id(),
                "k1",
                "patient",
                patient.id,
                "sendMessage",
                {"text": SECRET_ANSWER},
                "test",
                now,
                patient_id=patient.id,
            )
        )
        await uow.commit()
    async with store.uow() as uow:  # the values really are stored and readable
        assert (await uow.checkins.answers(checkin))[0].value == SECRET_ANSWER
    await db.dispose()  # checkpoint the WAL into the main file

    blob = read_database_files(tmp_path)
    for secret in (SECRET_ANSWER, SECRET_NAME, str(SECRET_CHAT), SECRET_UPDATE):
        assert secret.encode() not in blob, secret
        assert secret.encode("utf-16-le") not in blob, secret
