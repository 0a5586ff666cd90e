"""Status changes of outbox and inbox rows happen only from the status they expect.

A row cancelled (an erasure, a /stop, an unreachable recipient) is never resurrected or
marked sent by a dispatcher that still held it; a finished row stays finished; an update
done by one instance is not marked again by another.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.ids import new_id
from bot.domain.model import DeliveryStatus, OutboundMessage
from bot.services.outgoing import AlreadyProcessed
from bot.store.uow import SqlUnitOfWork, Store

NOW = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
LEASE = timedelta(seconds=60)
Action = Callable[[SqlUnitOfWork, str], Awaitable[None]]
PENDING, SENDING, SENT = DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.SENT
FAILED, CANCELLED = DeliveryStatus.FAILED, DeliveryStatus.CANCELLED


async def mark_sent(uow: SqlUnitOfWork, mid: str) -> None:
    await uow.outbox.mark_sent(mid, NOW, 55)


async def mark_sent_in_a_batch(uow: SqlUnitOfWork, mid: str) -> None:
    await uow.outbox.mark_sent_many([(mid, 55)], NOW)


async def cancel(uow: SqlUnitOfWork, mid: str) -> None:
    await uow.outbox.mark_final(mid, CANCELLED, "test")


async def fail(uow: SqlUnitOfWork, mid: str) -> None:
    await uow.outbox.mark_final(mid, FAILED, "test")


async def retry_later(uow: SqlUnitOfWork, mid: str) -> None:
    await uow.outbox.mark_retry(mid, NOW + timedelta(minutes=1), "test")


async def claim(uow: SqlUnitOfWork, mid: str) -> None:
    (claimed,) = await uow.outbox.claim(NOW, 10, LEASE)
    assert claimed.id == mid


# how to bring a fresh row to each status
SETUP: dict[DeliveryStatus, list[Action]] = {
    PENDING: [],
    SENDING: [claim],
    SENT: [claim, mark_sent],
    FAILED: [claim, fail],
    CANCELLED: [cancel],
}

TRANSITIONS: list[tuple[str, DeliveryStatus, Action, DeliveryStatus]] = [
    ("a row being sent is marked sent", SENDING, mark_sent, SENT),
    ("a row being sent is marked sent in a batch", SENDING, mark_sent_in_a_batch, SENT),
    ("a row being sent is cancelled", SENDING, cancel, CANCELLED),
    ("a waiting row is cancelled", PENDING, cancel, CANCELLED),
    ("a row being sent goes back to waiting", SENDING, retry_later, PENDING),
    ("a cancelled row is never marked sent", CANCELLED, mark_sent, CANCELLED),
    ("a cancelled row is never marked sent in a batch", CANCELLED, mark_sent_in_a_batch, CANCELLED),
    ("a failed row is never marked sent", FAILED, mark_sent, FAILED),
    ("a cancelled row never goes back to waiting", CANCELLED, retry_later, CANCELLED),
    ("a sent row never goes back to waiting", SENT, retry_later, SENT),
    ("a sent row is never cancelled", SENT, cancel, SENT),
    ("a sent row is never failed", SENT, fail, SENT),
    ("a cancelled row is not failed afterwards", CANCELLED, fail, CANCELLED),
]


async def a_row(store: Store, status: DeliveryStatus) -> str:
    message = OutboundMessage(
        id=new_id(),
        idempotency_key=f"test:{new_id()}",
        recipient_kind="staff",
        recipient_id="staff-1",
        method="sendMessage",
        payload={"text": "a note"},
        purpose="test",
        created_at=NOW,
        next_attempt_at=NOW,
    )
    async with store.uow() as uow:
        await uow.outbox.enqueue(message)
        for step in SETUP[status]:
            await step(uow, message.id)
        await uow.commit()
    return message.id


async def current(store: Store, mid: str) -> OutboundMessage:
    async with store.uow() as uow:
        row = await uow.outbox.get(mid)
    assert row is not None
    return row


@pytest.mark.parametrize(
    ("before", "action", "after"),
    [row[1:] for row in TRANSITIONS],
    ids=[row[0] for row in TRANSITIONS],
)
async def test_outbox_status_changes(
    store: Store, before: DeliveryStatus, action: Action, after: DeliveryStatus
) -> None:
    mid = await a_row(store, before)
    async with store.uow() as uow:
        await action(uow, mid)
        await uow.commit()
    assert (await current(store, mid)).status is after


async def test_an_attempt_is_not_counted_on_a_row_cancelled_meanwhile(store: Store) -> None:
    mid = await a_row(store, CANCELLED)
    async with store.uow() as uow:
        await uow.outbox.note_attempt(mid, "502", NOW + LEASE)
        await uow.commit()
    row = await current(store, mid)
    assert (row.status, row.attempts, row.last_error) == (CANCELLED, 0, "test")


# --- inbox ----------------------------------------------------------------------------
async def a_done_update(store: Store, update_id: int) -> None:
    async with store.uow() as uow:
        await uow.inbox.add_if_new(update_id, {"update_id": update_id}, NOW)
        await uow.inbox.mark_done(update_id, NOW)
        await uow.commit()


async def test_an_update_done_is_refused_a_second_time(store: Store) -> None:
    await a_done_update(store, 31)
    async with store.uow() as uow:
        with pytest.raises(AlreadyProcessed):
            await uow.inbox.mark_done(31, NOW)


async def test_a_failure_reported_late_leaves_a_done_update_done(store: Store) -> None:
    await a_done_update(store, 32)
    async with store.uow() as uow:
        await uow.inbox.mark_failed(32, "ValueError", NOW, final=True)
        await uow.commit()
    async with store.uow() as uow:
        assert await uow.inbox.attempts(32) == 1  # the late failure changed nothing


async def test_an_update_never_stored_has_nothing_to_mark(store: Store) -> None:
    async with store.uow() as uow:
        await uow.inbox.mark_done(33, NOW)  # a use case called directly (tests, the demo)
        await uow.commit()
