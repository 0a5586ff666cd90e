"""The dispatcher under trouble: blocked strangers, 429s, leadership terms, cancellations
while it holds a row, and memory over a long life."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

import pytest

from bot.bootstrap import Services, build_services
from bot.config import load_settings
from bot.delivery.api import RateLimited, Unreachable
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.pacing import Pacer
from bot.domain.model import DeliveryStatus, Priority
from bot.services.clock import SystemClock
from bot.services.outgoing import Outgoing
from bot.store.uow import Store
from tests.delivery.fakes import FakeBotApi
from tests.delivery.test_dispatcher import enqueue, linked_patient, status_of
from tests.reliability.processes import wait_until


@pytest.fixture
def services(store: Store) -> Services:
    return build_services(store, load_settings(max_attempts=3), SystemClock())


@pytest.fixture
def api() -> FakeBotApi:
    return FakeBotApi()


class FrozenClock:
    """The pacer's clock, moved by hand: pacing waits last until the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def one_then_wait(clock: FrozenClock) -> Pacer:
    """One message per chat, then the next waits until the clock is moved (a few to
    different chats may go at once)."""
    return Pacer(rate=20, chat_burst=1, chat_rate=1.0, clock=clock)


@contextlib.asynccontextmanager
async def running(dispatcher: Dispatcher) -> AsyncIterator[asyncio.Event]:
    """``dispatcher.run`` as ``companion run`` runs it, for one leadership term."""
    term = asyncio.Event()
    task = asyncio.create_task(dispatcher.run(term))
    try:
        yield term
    finally:
        term.set()
        await task


async def to_chats(services: Services, cause: str, *items: tuple[int, str]) -> list[str]:
    """Messages to bare chats (not yet a known person): (chat_id, text)."""
    out = Outgoing(cause, services.clock.now())
    ids = [
        out.add("chat", "-", "sendMessage", {"chat_id": chat, "text": text}, purpose="test").id
        for chat, text in items
    ]
    async with services.store.uow() as uow:
        for message in out.messages:
            await uow.outbox.enqueue(message)
        await uow.commit()
    return ids


async def is_sent(services: Services, message_id: str) -> bool:
    return await status_of(services, message_id) is DeliveryStatus.SENT


def until(condition: Callable[[], object], what: str) -> object:
    return wait_until(condition, timeout=10, what=what)


# --- 403 ------------------------------------------------------------------------------
async def test_a_stranger_who_blocked_the_bot_cancels_nothing_to_other_chats(
    services: Services, api: FakeBotApi
) -> None:
    (blocked,) = await to_chats(services, "upd:1", (111, "to a stranger"))
    welcome = await to_chats(services, "upd:2", (222, "first"), (222, "welcome"))
    api.fail_next(111, Unreachable("403 Forbidden: bot was blocked by the user"))
    await Dispatcher(services.delivery, api, Pacer(), idle_poll=0.05).run_until_idle()
    assert api.texts_to(222) == ["first", "welcome"]
    assert [await status_of(services, i) for i in welcome] == [DeliveryStatus.SENT] * 2
    assert await status_of(services, blocked) is DeliveryStatus.FAILED


async def test_a_blocked_stranger_gets_nothing_more_after_the_403(
    services: Services, api: FakeBotApi
) -> None:
    ids = await to_chats(services, "upd:1", (111, "one"), (111, "two"))
    api.fail_next(111, Unreachable("403 Forbidden: bot was blocked by the user"))
    await Dispatcher(services.delivery, api, Pacer(), idle_poll=0.05).run_until_idle()
    assert len(api.calls) == 1
    assert [await status_of(services, i) for i in ids] == [
        DeliveryStatus.FAILED,
        DeliveryStatus.CANCELLED,
    ]


# --- 429 ------------------------------------------------------------------------------
async def test_a_429_for_one_chat_holds_that_chat_and_not_a_crisis_message_to_another(
    services: Services, api: FakeBotApi
) -> None:
    busy = await linked_patient(services, 5001)
    other = await linked_patient(services, 5002, "Bo Lark")
    await enqueue(services, "chatty", (busy, "routine", Priority.ROUTINE))
    api.fail_next(5001, RateLimited(30))
    dispatcher = Dispatcher(services.delivery, api, Pacer(), idle_poll=0.05)
    async with running(dispatcher):
        await until(lambda: dispatcher.stats["rate_limited"] == 1, "the 429")
        await enqueue(services, "sos", (other, "crisis lines", Priority.CRISIS))
        dispatcher.wake()
        await until(lambda: api.texts_to(5002) == ["crisis lines"], "the crisis message")
    assert api.texts_to(5001) == ["routine"]  # tried once; it waits out its 30 s


async def test_a_button_answer_told_to_wait_is_not_sent_again_at_once(
    services: Services, api: FakeBotApi
) -> None:
    other = await linked_patient(services, 5002, "Bo Lark")
    out = Outgoing("upd:3", services.clock.now())
    out.answer_callback("chat", "-", "cbq-1")
    out.messages[0].payload["chat_id"] = 5003
    async with services.store.uow() as uow:
        await uow.outbox.enqueue(out.messages[0])
        await uow.commit()
    api.fail_next(0, RateLimited(30))  # a button answer names no chat in its request
    dispatcher = Dispatcher(services.delivery, api, Pacer(), idle_poll=0.05)
    async with running(dispatcher):
        await until(lambda: dispatcher.stats["rate_limited"] == 1, "the 429")
        await enqueue(services, "later", (other, "later", Priority.ROUTINE))
        dispatcher.wake()
        await until(lambda: api.texts_to(5002) == ["later"], "a later message")
    assert [method for method, _, _ in api.calls].count("answerCallbackQuery") == 1


@pytest.mark.parametrize(
    ("chats_told_to_wait", "everyone_waits"),
    [(1, False), (2, False), (3, True)],
    ids=["one chat", "two chats", "three chats: the bot is limited"],
)
async def test_429s_for_several_chats_close_together_pause_every_chat(
    services: Services, api: FakeBotApi, chats_told_to_wait: int, everyone_waits: bool
) -> None:
    chats = [5001 + n for n in range(chats_told_to_wait)]
    for chat in chats:
        pid = await linked_patient(services, chat, f"Person {chat}")
        await enqueue(services, f"c{chat}", (pid, "hello", Priority.ROUTINE))
        api.fail_next(chat, RateLimited(30))
    pacer = Pacer()
    dispatcher = Dispatcher(services.delivery, api, pacer, idle_poll=0.05)
    async with running(dispatcher):
        await until(lambda: dispatcher.stats["rate_limited"] == len(chats), "the 429s")
    assert all(pacer.wait(chat) > 0 for chat in chats)
    assert (pacer.wait(5999) > 0) is everyone_waits


# --- what the dispatcher holds ----------------------------------------------------------
async def test_a_new_leadership_term_does_not_send_what_an_earlier_term_held(
    services: Services, api: FakeBotApi
) -> None:
    pid = await linked_patient(services, 5001)
    await enqueue(services, "t", (pid, "m0", Priority.ROUTINE), (pid, "m1", Priority.ROUTINE))
    clock = FrozenClock()
    first = Dispatcher(services.delivery, api, one_then_wait(clock), idle_poll=0.05)
    async with running(first):  # leads, sends m0; m1 waits for its turn in the chat
        await until(lambda: api.texts_to(5001) == ["m0"], "m0 is sent")
    # another instance leads meanwhile and sends m1
    await services.delivery.take_over()
    await Dispatcher(services.delivery, api, Pacer(), idle_poll=0.05).run_until_idle()
    assert api.texts_to(5001) == ["m0", "m1"]

    clock.advance(3600)
    await enqueue(services, "t2", (pid, "m2", Priority.ROUTINE))
    async with running(first):  # leads again
        await until(lambda: "m2" in api.texts_to(5001), "m2 is sent")
    assert api.texts_to(5001) == ["m0", "m1", "m2"]


async def test_a_message_cancelled_while_the_dispatcher_holds_it_is_not_sent(
    services: Services, api: FakeBotApi
) -> None:
    pid = await linked_patient(services, 5001)
    other = await linked_patient(services, 5002, "Bo Lark")
    m0, m1 = await enqueue(
        services, "t", (pid, "m0", Priority.ROUTINE), (pid, "m1", Priority.ROUTINE)
    )
    clock = FrozenClock()
    dispatcher = Dispatcher(
        services.delivery, api, one_then_wait(clock), idle_poll=0.05, recheck_after=0
    )
    async with running(dispatcher):
        await until(lambda: api.texts_to(5001) == ["m0"], "m0 is sent")
        await until(lambda: is_sent(services, m0), "m0 is marked sent")
        async with services.store.uow() as uow:  # e.g. the patient is erased meanwhile
            await uow.outbox.cancel_pending(
                recipient_kind="patient", recipient_id=pid, reason="patient erased"
            )
            await uow.commit()
        clock.advance(60)  # m1's turn in the chat
        await enqueue(services, "t2", (other, "elsewhere", Priority.ROUTINE))
        dispatcher.wake()
        await until(lambda: api.texts_to(5002) == ["elsewhere"], "a later message")
        await until(lambda: dispatcher.pending == 0, "m1 is dropped")
    assert api.texts_to(5001) == ["m0"]
    assert await status_of(services, m1) is DeliveryStatus.CANCELLED
    assert await status_of(services, m0) is DeliveryStatus.SENT


async def test_the_ids_of_sent_messages_kept_in_memory_are_bounded_and_edits_still_work(
    services: Services, api: FakeBotApi
) -> None:
    pid = await linked_patient(services, 5001)
    out = Outgoing("t", services.clock.now())
    first = out.to_patient(pid, "question", purpose="test")
    for n in range(8):
        out.to_patient(pid, f"note {n}", purpose="test")
    async with services.store.uow() as uow:
        for message in out.messages:
            await uow.outbox.enqueue(message)
        await uow.commit()
    dispatcher = Dispatcher(services.delivery, api, Pacer(chat_burst=50), remember=3)
    await dispatcher.run_until_idle()
    assert dispatcher.remembered_ids == 3

    edit = Outgoing("t2", services.clock.now())
    edit.edit_for_patient(pid, first.id, "question (answered)", purpose="test")
    async with services.store.uow() as uow:
        await uow.outbox.enqueue(edit.messages[0])
        await uow.commit()
    await dispatcher.run_until_idle()
    method, params, _ = api.calls[-1]
    assert (method, params["message_id"]) == ("editMessageText", 100)  # from the database


async def test_pacing_state_of_chats_gone_quiet_is_dropped(
    services: Services, api: FakeBotApi
) -> None:
    for chat in (5001, 5002, 5003):
        pid = await linked_patient(services, chat, f"Person {chat}")
        await enqueue(services, f"c{chat}", (pid, "hello", Priority.ROUTINE))
    clock = FrozenClock()
    pacer = Pacer(clock=clock)
    dispatcher = Dispatcher(services.delivery, api, pacer, idle_poll=0.05)
    await dispatcher.run_until_idle()
    assert pacer.tracked_chats == 3
    clock.advance(3600)
    await dispatcher.run_until_idle()
    assert pacer.tracked_chats == 0
