"""Erasure in the store: copies under the system key are found by chat and blanked."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from bot.domain.ids import new_id
from bot.domain.model import DeliveryStatus, OutboundMessage
from bot.store.repositories.inbox import chat_of
from bot.store.tables import InboxRow, OutboxRow, PatientRow
from bot.store.uow import Store
from tests.factories import seed_patient

CHAT = 880001
OTHER = 880002

UPDATES: list[tuple[str, dict[str, Any], int | None]] = [
    ("a message", {"message": {"chat": {"id": CHAT}, "text": "hi"}}, CHAT),
    ("an edited message", {"edited_message": {"chat": {"id": CHAT}}}, CHAT),
    (
        "a button press",
        {"callback_query": {"from": {"id": 5}, "message": {"chat": {"id": CHAT}}}},
        CHAT,
    ),
    ("a press on an inline message", {"callback_query": {"from": {"id": CHAT}}}, CHAT),
    ("a block or unblock", {"my_chat_member": {"chat": {"id": CHAT}}}, CHAT),
    ("an inline query", {"inline_query": {"from": {"id": CHAT}}}, CHAT),
    ("an update without a chat", {"poll": {"id": "p"}}, None),
    ("a malformed chat id", {"message": {"chat": {"id": "880001"}}}, None),
]


@pytest.mark.parametrize(("kind", "update", "chat"), UPDATES, ids=[u[0] for u in UPDATES])
def test_an_update_names_its_chat(kind: str, update: dict[str, Any], chat: int | None) -> None:
    assert chat_of(update) == chat, kind


def chat_message(chat: int, now: datetime) -> OutboundMessage:
    """A message to a bare chat (someone not yet known as a patient)."""
    return OutboundMessage(
        new_id(), f"k:{new_id()}", "chat", "-", "sendMessage", {"chat_id": chat}, "start", now
    )


async def test_updates_and_bare_chat_messages_carry_the_patients_chat_index(
    store: Store, now: datetime
) -> None:
    message = chat_message(CHAT, now)
    async with store.uow() as uow:
        _, patient = await seed_patient(uow, now, chat_id=CHAT)
        await uow.inbox.add_if_new(1, {"update_id": 1, "message": {"chat": {"id": CHAT}}}, now)
        await uow.outbox.enqueue(message)
        await uow.commit()
    async with store.uow() as uow:
        patient_row = await uow.session.get(PatientRow, patient.id)
        inbox_row = await uow.session.get(InboxRow, 1)
        outbox_row = await uow.session.get(OutboxRow, message.id)
        assert patient_row is not None and inbox_row is not None and outbox_row is not None
        indexes = (patient_row.chat_index, inbox_row.chat_index, outbox_row.chat_index)
    assert indexes[0] is not None and len(set(indexes)) == 1


async def test_erasing_blanks_the_chats_updates_and_messages_and_nobody_elses(
    store: Store, now: datetime
) -> None:
    mine, theirs = chat_message(CHAT, now), chat_message(OTHER, now)
    async with store.uow() as uow:
        _, patient = await seed_patient(uow, now, chat_id=CHAT)
        for update_id, chat in ((1, CHAT), (2, OTHER), (3, CHAT)):
            update = {"update_id": update_id, "message": {"chat": {"id": chat}}}
            await uow.inbox.add_if_new(update_id, update, now)
        await uow.inbox.mark_done(1, now)
        await uow.outbox.enqueue(mine)
        await uow.outbox.enqueue(theirs)
        await uow.commit()
    async with store.uow() as uow:
        await uow.patients.erase(patient, now)
        await uow.commit()
    async with store.uow() as uow:
        inbox = {
            r.update_id: (len(r.payload_enc), r.status)
            for r in await uow.session.execute(text("select * from inbox"))
        }
        pending = await uow.inbox.pending()
        blanked = await uow.outbox.get(mine.id)
        kept = await uow.outbox.get(theirs.id)
    assert inbox[1] == (0, "done") and inbox[3] == (0, "done")
    assert inbox[2][0] > 0 and [uid for uid, _ in pending] == [2]
    assert blanked is not None and blanked.payload == {}
    assert blanked.status is DeliveryStatus.CANCELLED
    assert kept is not None and kept.payload == {"chat_id": OTHER}


async def test_a_dropped_payload_reads_as_empty_and_is_never_sent(
    store: Store, now: datetime
) -> None:
    message = chat_message(OTHER, now)
    async with store.uow() as uow:
        await uow.outbox.enqueue(message)
        await uow.session.execute(
            text("update outbox set payload_enc = :e where id = :i"), {"e": b"", "i": message.id}
        )
        await uow.commit()
    async with store.uow() as uow:
        claimed = await uow.outbox.claim(now + timedelta(seconds=1), 10, timedelta(minutes=1))
        await uow.commit()
    async with store.uow() as uow:
        after = await uow.outbox.get(message.id)
        listed = await uow.outbox.by_ref("none", "none")
    assert claimed == [] and listed == []
    assert after is not None and after.payload == {}
    assert after.status is DeliveryStatus.CANCELLED


@pytest.mark.parametrize("backend", ["sqlite"])  # PostgreSQL needs VACUUM (docs/security.md)
async def test_sqlite_overwrites_deleted_content(store: Store, backend: str) -> None:
    async with store.db.engine.connect() as connection:
        assert (await connection.exec_driver_sql("PRAGMA secure_delete")).scalar() == 1
