"""The store, run identically on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, text

from bot.domain.ids import new_id
from bot.domain.model import (
    Checkin,
    CheckinStatus,
    DeliveryStatus,
    EnrolmentCode,
    OutboundMessage,
    PatientStatus,
    Priority,
)
from bot.store import crypto
from bot.store.tables import CheckinAnswerRow, PatientRow
from bot.store.uow import Store
from tests.factories import make_staff, seed_patient


async def test_a_patient_round_trips_with_name_and_chat_encrypted(
    store: Store, now: datetime
) -> None:
    async with store.uow() as uow:
        _, patient = await seed_patient(uow, now, chat_id=777001)
        await uow.commit()
    async with store.uow() as uow:
        loaded = await uow.patients.get(patient.id)
        raw = await uow.session.get(PatientRow, patient.id)
        assert raw is not None and raw.name_enc is not None
        assert b"Avery" not in raw.name_enc
        assert raw.chat_index is not None and "777001" not in raw.chat_index
    assert loaded == patient


async def test_a_patient_is_found_by_chat_through_the_blind_index(
    store: Store, now: datetime
) -> None:
    async with store.uow() as uow:
        _, patient = await seed_patient(uow, now, chat_id=777002)
        await uow.commit()
    async with store.uow() as uow:
        found = await uow.patients.by_chat(777002)
        missing = await uow.patients.by_chat(777003)
    assert found is not None and found.id == patient.id
    assert missing is None


async def test_patient_references_count_up(store: Store, now: datetime) -> None:
    async with store.uow() as uow:
        _, first = await seed_patient(uow, now)
        _, second = await seed_patient(uow, now, name="Bo Lark")
        await uow.commit()
    assert (first.reference, second.reference) == ("P-0001", "P-0002")


async def test_leaving_a_unit_of_work_without_commit_writes_nothing(
    store: Store, now: datetime
) -> None:
    async with store.uow() as uow:
        _, patient = await seed_patient(uow, now)
    async with store.uow() as uow:
        assert await uow.patients.get(patient.id) is None


async def test_an_error_inside_a_unit_of_work_rolls_back(store: Store, now: datetime) -> None:
    created: list[str] = []

    async def fail_half_way() -> None:
        async with store.uow() as uow:
            _, patient = await seed_patient(uow, now)
            created.append(patient.id)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await fail_half_way()
    async with store.uow() as uow:
        assert await uow.patients.get(created[0]) is None


async def _answered_checkin(store: Store, now: datetime, value: object) -> tuple[str, Checkin]:
    async with store.uow() as uow:
        _, patient = await seed_patient(uow, now)
        checkin = Checkin(new_id(), patient.id, now, "adhoc", CheckinStatus.SENT, now)
        await uow.checkins.add(checkin)
        await uow.checkins.record_answer(checkin, "craving", 0, value, now)
        await uow.commit()
    return patient.id, checkin


async def test_answers_are_encrypted_and_read_back(store: Store, now: datetime) -> None:
    _, checkin = await _answered_checkin(store, now, 9)
    async with store.uow() as uow:
        answers = await uow.checkins.answers(checkin)
        raw = await uow.session.scalar(select(CheckinAnswerRow.value_enc))
    assert [(a.question_id, a.value) for a in answers] == [("craving", 9)]
    assert raw is not None and b'{"v":9}' not in raw


async def test_an_answer_copied_to_another_row_does_not_decrypt(
    store: Store, now: datetime
) -> None:
    _, first = await _answered_checkin(store, now, 3)
    _, second = await _answered_checkin(store, now, 8)
    async with store.uow() as uow:
        rows = {r.checkin_id: r for r in await uow.session.scalars(select(CheckinAnswerRow))}
        rows[second.id].value_enc = rows[first.id].value_enc
        await uow.commit()
    async with store.uow() as uow:
        with pytest.raises(crypto.DecryptionFailed):
            await uow.checkins.answers(second)


async def test_erasing_a_patient_makes_their_values_unreadable(store: Store, now: datetime) -> None:
    patient_id, checkin = await _answered_checkin(store, now, 7)
    async with store.uow() as uow:
        patient = await uow.patients.get(patient_id)
        assert patient is not None
        erased = await uow.patients.erase(patient, now)
        await uow.commit()
    assert erased.status is PatientStatus.ERASED and erased.name is None
    async with store.uow() as uow:
        with pytest.raises(crypto.DataKeyDestroyed):
            await uow.checkins.answers(checkin)
        again = await uow.patients.get(patient_id)
    assert again is not None and again.name is None and again.reference == "P-0001"


async def test_staff_link_a_telegram_chat_and_are_found_by_it(store: Store, now: datetime) -> None:
    staff = make_staff(now)
    async with store.uow() as uow:
        await uow.staff.add(staff)
        await uow.staff.link_telegram(staff.id, 555001)
        await uow.commit()
    async with store.uow() as uow:
        found = await uow.staff.by_chat(555001)
        chat = await uow.staff.chat_id(staff.id)
    assert found is not None and found.id == staff.id and found.telegram_linked
    assert chat == 555001


async def test_an_invite_code_is_found_only_by_its_secret_and_used_once(
    store: Store, now: datetime
) -> None:
    async with store.uow() as uow:
        _, patient = await seed_patient(uow, now)
        code = EnrolmentCode(new_id(), "patient", now, now + timedelta(days=7), patient.id)
        await uow.enrolment.add(code, "Kq3-secret-code")
        await uow.commit()
    async with store.uow() as uow:
        found = await uow.enrolment.find("Kq3-secret-code")
        assert await uow.enrolment.find("other-code") is None
        assert found is not None and found.usable(now)
        assert await uow.enrolment.mark_used(found.id, now) is True
        assert await uow.enrolment.mark_used(found.id, now) is False
        await uow.commit()


async def test_failed_enrolment_attempts_are_counted_per_chat(store: Store, now: datetime) -> None:
    async with store.uow() as uow:
        for minutes in (90, 30, 10):
            await uow.enrolment.record_attempt(4242, False, now - timedelta(minutes=minutes))
        await uow.enrolment.record_attempt(4343, False, now)
        await uow.commit()
    async with store.uow() as uow:
        assert await uow.enrolment.failed_attempts_since(4242, now - timedelta(hours=1)) == 2


async def test_the_inbox_stores_an_update_once(store: Store, now: datetime) -> None:
    payload = {"update_id": 10, "message": {"text": "I feel a strong urge"}}
    async with store.uow() as uow:
        assert await uow.inbox.add_if_new(10, payload, now) is True
        assert await uow.inbox.add_if_new(10, payload, now) is False
        await uow.commit()
    async with store.uow() as uow:
        assert await uow.inbox.pending() == [(10, payload)]
        await uow.inbox.mark_done(10, now)
        await uow.commit()
    async with store.uow() as uow:
        assert await uow.inbox.pending() == []


def _message(now: datetime, key: str, priority: int = Priority.ROUTINE) -> OutboundMessage:
    return OutboundMessage(
        id=new_id(),
        idempotency_key=key,
        recipient_kind="staff",
        recipient_id="s1",
        method="sendMessage",
        payload={"text": key},
        purpose="test",
        created_at=now,
        priority=priority,
    )


async def test_the_outbox_dedups_by_key_and_claims_crisis_first(
    store: Store, now: datetime
) -> None:
    async with store.uow() as uow:
        assert await uow.outbox.enqueue(_message(now, "routine-1"))
        assert not await uow.outbox.enqueue(_message(now, "routine-1"))
        assert await uow.outbox.enqueue(_message(now, "crisis-1", Priority.CRISIS))
        await uow.commit()
    async with store.uow() as uow:
        claimed = await uow.outbox.claim(now, 10, timedelta(seconds=30))
        await uow.commit()
    assert [m.idempotency_key for m in claimed] == ["crisis-1", "routine-1"]
    assert claimed[0].payload == {"text": "crisis-1"}
    async with store.uow() as uow:
        assert await uow.outbox.claim(now, 10, timedelta(seconds=30)) == []
        later = await uow.outbox.claim(now + timedelta(seconds=31), 10, timedelta(seconds=30))
    assert len(later) == 2  # an expired lease makes a row claimable again


async def test_a_sent_row_is_never_claimed_again(store: Store, now: datetime) -> None:
    async with store.uow() as uow:
        await uow.outbox.enqueue(_message(now, "one"))
        await uow.commit()
    async with store.uow() as uow:
        (row,) = await uow.outbox.claim(now, 10, timedelta(seconds=30))
        await uow.outbox.mark_sent(row.id, now, 99)
        await uow.commit()
    async with store.uow() as uow:
        assert await uow.outbox.claim(now + timedelta(hours=1), 10, timedelta(seconds=30)) == []
        sent = await uow.outbox.get(row.id)
    assert sent is not None and sent.status is DeliveryStatus.SENT
    assert sent.telegram_message_id == 99


async def test_a_patient_update_keeps_secrets_encrypted(store: Store, now: datetime) -> None:
    async with store.uow() as uow:
        _, patient = await seed_patient(uow, now)
        await uow.patients.update(replace(patient, chat_id=888, status=PatientStatus.ACTIVE))
        await uow.commit()
    async with store.uow() as uow:
        loaded = await uow.patients.by_chat(888)
        count = await uow.session.scalar(text("select count(*) from patients"))
    assert loaded is not None and loaded.status is PatientStatus.ACTIVE
    assert count == 1
