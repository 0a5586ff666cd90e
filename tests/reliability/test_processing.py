"""The processor: an update set aside for good is not silent, handled updates cost one
read each, and an update stored while the processor looks away is not left waiting."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from typing import Any

import pytest
from telegram import Update

from bot.bootstrap import Services, build_services
from bot.config import load_settings
from bot.domain.model import Patient, PatientStatus
from bot.runtime.processor import InboxProcessor
from bot.services import texts
from bot.services.clock import ManualClock
from bot.services.inbox import MAX_ATTEMPTS, SET_ASIDE, InboxService
from bot.store.repositories.inbox import InboxRepository
from bot.store.uow import Store
from tests.factories import seed_patient
from tests.reliability.processes import wait_until

NOW = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
PATIENT_CHAT = 5001
STRANGER_CHAT = 5002


def text_update(update_id: int, chat_id: int, text: str = "/sos") -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Robin"},
            "text": text,
        },
    }


class Application:
    """Stands in for the PTB application: records what it handled; ``broken`` update ids
    fail (a bug the update triggers), every time or the first ``failures`` times."""

    def __init__(self, broken: frozenset[int] = frozenset(), failures: int = 10**6) -> None:
        self.bot = None
        self.bot_data: dict[str, Any] = {}
        self.broken = broken
        self.failures_left = failures
        self.handled: list[int] = []

    async def process_update(self, update: Update) -> None:
        if update.update_id in self.broken and self.failures_left > 0:
            self.failures_left -= 1
            raise ValueError("a bug")
        self.handled.append(update.update_id)


def processor(inbox: InboxService, app: Application) -> InboxProcessor:
    return InboxProcessor(inbox, app, lambda: None)  # type: ignore[arg-type]


async def fail_for_good(store: Store, update: dict[str, Any]) -> InboxService:
    inbox = InboxService(store.uow, ManualClock(NOW))
    await inbox.receive([update])
    app = Application(broken=frozenset({update["update_id"]}))
    for _ in range(MAX_ATTEMPTS):
        await processor(inbox, app).process_pending()
    assert await inbox.pending() == []
    return inbox


async def replies(store: Store) -> list[tuple[str, str]]:
    async with store.uow() as uow:
        rows = await uow.outbox.listing(limit=20)
        messages = [await uow.outbox.get(row.id) for row in rows if row.purpose == SET_ASIDE]
    return [(m.recipient_kind, m.payload["text"]) for m in messages if m is not None]


async def audited(store: Store) -> list[tuple[str | None, str]]:
    async with store.uow() as uow:
        entries = await uow.audit.entries()
    return [(e.patient_ref, e.detail) for e in entries if e.action == "inbox.set_aside"]


async def patient_in(store: Store, status: PatientStatus) -> Patient:
    async with store.uow() as uow:
        _, patient = await seed_patient(uow, NOW, chat_id=PATIENT_CHAT, status=status)
        await uow.commit()
    return patient


# --- set aside ------------------------------------------------------------------------
async def test_a_patient_whose_update_fails_for_good_is_told_and_the_team_can_see_it(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    patient = await patient_in(store, PatientStatus.ACTIVE)
    with caplog.at_level(logging.INFO):
        await fail_for_good(store, text_update(7, PATIENT_CHAT, "I need help tonight"))
    assert await replies(store) == [("patient", texts.UPDATE_FAILED)]
    ((reference, detail),) = await audited(store)
    assert reference == patient.reference
    assert detail.startswith("update 7 failed 5 times (ValueError)")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "inbox.set_aside update_id=7" in logged
    assert "help tonight" not in logged and str(PATIENT_CHAT) not in logged


async def test_a_stranger_whose_update_fails_for_good_is_told_too(store: Store) -> None:
    await fail_for_good(store, text_update(8, STRANGER_CHAT))
    assert await replies(store) == [("chat", texts.UPDATE_FAILED)]
    assert [reference for reference, _ in await audited(store)] == [None]


async def test_an_update_from_no_chat_that_fails_for_good_is_recorded(store: Store) -> None:
    await fail_for_good(store, {"update_id": 9})
    assert await replies(store) == []
    ((_, detail),) = await audited(store)
    assert detail.endswith("no chat to tell")


async def test_an_update_that_fails_and_then_succeeds_tells_no_one(store: Store) -> None:
    inbox = InboxService(store.uow, ManualClock(NOW))
    await inbox.receive([text_update(7, STRANGER_CHAT)])
    app = Application(broken=frozenset({7}), failures=1)
    await processor(inbox, app).process_pending()
    assert app.handled == [7]
    assert await replies(store) == []
    assert await audited(store) == []


# --- a patient's lost message still reaches a person -------------------------------------
async def escalations_of(store: Store, patient_id: str) -> list[tuple[str, str]]:
    async with store.uow() as uow:
        found = await uow.escalations.find(patient_ids=[patient_id])
    return sorted((e.rule, e.level.value) for e in found)


async def set_aside_with_services(store: Store, update: dict[str, Any]) -> Services:
    services = build_services(store, load_settings(), ManualClock(NOW))
    await services.inbox.receive([update])
    app = Application(broken=frozenset({update["update_id"]}))
    for _ in range(MAX_ATTEMPTS):
        await processor(services.inbox, app).process_pending()
    assert await services.inbox.pending() == []
    return services


async def test_a_lost_message_in_crisis_language_still_gets_the_crisis_lines_and_a_crisis_alert(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    patient = await patient_in(store, PatientStatus.ACTIVE)
    words = "I want to kill myself tonight"
    with caplog.at_level(logging.INFO):
        await set_aside_with_services(store, text_update(7, PATIENT_CHAT, words))
    assert await escalations_of(store, patient.id) == [
        ("message_set_aside", "warn"),
        ("triage_crisis", "crisis"),
    ]
    async with store.uow() as uow:
        rows = await uow.outbox.listing(limit=50)
        sent = [await uow.outbox.get(row.id) for row in rows]
    to_patient = [m for m in sent if m is not None and m.recipient_id == patient.id]
    assert any(m.purpose == "crisis" and m.priority == 0 for m in to_patient)
    assert texts.UPDATE_FAILED in [m.payload.get("text") for m in to_patient]
    ((_, detail),) = await audited(store)
    assert detail.endswith("the chat was told; an escalation was raised")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "kill myself" not in logged and str(PATIENT_CHAT) not in logged


async def test_a_lost_ordinary_message_asks_the_care_team_to_follow_up(store: Store) -> None:
    patient = await patient_in(store, PatientStatus.PAUSED)
    await set_aside_with_services(store, text_update(7, PATIENT_CHAT, "see you on Monday"))
    assert await escalations_of(store, patient.id) == [("message_set_aside", "warn")]
    assert await replies(store) == [("patient", texts.UPDATE_FAILED)]


async def test_a_lost_button_press_is_not_read_as_the_patients_words(store: Store) -> None:
    patient = await patient_in(store, PatientStatus.ACTIVE)
    press = {
        "update_id": 7,
        "callback_query": {
            "id": "cb-7",
            "chat_instance": "ci",
            "data": "x",
            "from": {"id": PATIENT_CHAT, "is_bot": False, "first_name": "Robin"},
            "message": {  # the bot's own message, in crisis words: not the patient's
                "message_id": 3,
                "date": 0,
                "chat": {"id": PATIENT_CHAT, "type": "private"},
                "text": "If you are thinking about suicide, call 988 now.",
            },
        },
    }
    await set_aside_with_services(store, press)
    assert await escalations_of(store, patient.id) == [("message_set_aside", "warn")]


async def test_a_discharged_patients_lost_crisis_message_gets_the_crisis_path_only(
    store: Store,
) -> None:
    patient = await patient_in(store, PatientStatus.DISCHARGED)
    await set_aside_with_services(store, text_update(7, PATIENT_CHAT, "I want to die"))
    # as when the message is handled: crisis lines for anyone not erased; no follow-up
    # request, since no team is looking after a discharged patient's check-ins
    assert await escalations_of(store, patient.id) == [("triage_crisis", "crisis")]
    assert ("patient", texts.UPDATE_FAILED) in await replies(store)


@pytest.mark.parametrize("pressed", [texts.SOS_BUTTON, "/sos", "/sos@CompanionBot"])
async def test_a_lost_sos_press_still_takes_the_sos_path(store: Store, pressed: str) -> None:
    patient = await patient_in(store, PatientStatus.ACTIVE)
    await set_aside_with_services(store, text_update(7, PATIENT_CHAT, pressed))
    assert await escalations_of(store, patient.id) == [
        ("message_set_aside", "warn"),
        ("sos", "crisis"),
    ]
    async with store.uow() as uow:
        rows = await uow.outbox.listing(limit=50)
    assert any(row.purpose == "crisis" and row.priority == 0 for row in rows)


async def test_setting_an_update_aside_twice_has_one_effect(store: Store) -> None:
    patient = await patient_in(store, PatientStatus.ACTIVE)
    services = await set_aside_with_services(
        store, text_update(7, PATIENT_CHAT, "I want to kill myself tonight")
    )
    async with store.uow() as uow:
        before = len(await uow.outbox.listing(limit=100))
    await services.inbox.set_aside(7, "ValueError", PATIENT_CHAT, "I want to kill myself tonight")
    async with store.uow() as uow:
        assert len(await uow.outbox.listing(limit=100)) == before
    assert len(await audited(store)) == 1
    assert len(await escalations_of(store, patient.id)) == 2


async def test_a_database_failure_while_setting_aside_loses_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    patient = await patient_in(store, PatientStatus.ACTIVE)
    services = build_services(store, load_settings(), ManualClock(NOW))
    real = services.safety.message_set_aside
    outages = [TimeoutError("the database is away")]

    async def flaky(*args: Any, **kwargs: Any) -> bool:
        if outages:
            raise outages.pop()
        return await real(*args, **kwargs)

    monkeypatch.setattr(services.safety, "message_set_aside", flaky)
    await services.inbox.receive([text_update(7, PATIENT_CHAT, "I want to kill myself tonight")])
    app = Application(broken=frozenset({7}))
    work = processor(services.inbox, app)
    await work.process_pending()  # retries until the last attempt, which meets the outage
    # nothing written: the update waits to be tried again
    assert work.pause > 0
    assert [update_id for update_id, _ in await services.inbox.pending()] == [7]
    assert await escalations_of(store, patient.id) == [] and await audited(store) == []
    await work.process_pending()
    assert await services.inbox.pending() == []
    assert await escalations_of(store, patient.id) == [
        ("message_set_aside", "warn"),
        ("triage_crisis", "crisis"),
    ]
    assert len(await audited(store)) == 1


async def test_when_even_the_plain_reply_fails_the_update_is_given_up_not_retried_for_ever(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = build_services(store, load_settings(), ManualClock(NOW))

    async def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("a bug in the reply too")

    monkeypatch.setattr(services.inbox, "set_aside", broken)
    await services.inbox.receive([text_update(7, STRANGER_CHAT)])
    app = Application(broken=frozenset({7}))
    for _ in range(MAX_ATTEMPTS):
        await processor(services.inbox, app).process_pending()
    assert await services.inbox.pending() == []
    assert app.handled == []


async def test_when_the_follow_up_fails_too_the_chat_is_still_told(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    patient = await patient_in(store, PatientStatus.ACTIVE)

    async def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("the same bug")

    services = build_services(store, load_settings(), ManualClock(NOW))
    monkeypatch.setattr(services.safety, "message_set_aside", broken)
    await services.inbox.set_aside(7, "ValueError", PATIENT_CHAT, "I want to die")
    assert await escalations_of(store, patient.id) == []
    assert await replies(store) == [("patient", texts.UPDATE_FAILED)]
    ((_, detail),) = await audited(store)
    assert detail.endswith("the chat was told")


# --- cost per update --------------------------------------------------------------------
async def test_each_pending_update_is_read_once_however_long_the_backlog(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Marking an update nobody consumed as done must not re-read the whole backlog."""
    reads: list[int] = []
    original = InboxRepository.pending

    async def counting(self: InboxRepository, limit: int = 100) -> list[Any]:
        batch = await original(self, limit)
        reads.append(len(batch))
        return batch

    monkeypatch.setattr(InboxRepository, "pending", counting)
    inbox = InboxService(store.uow, ManualClock(NOW))
    await inbox.receive([text_update(n, STRANGER_CHAT, "hello") for n in range(1, 31)])
    app = Application()
    assert await processor(inbox, app).process_pending() == 30
    assert app.handled == list(range(1, 31))
    assert sum(reads) == 30


# --- waking ------------------------------------------------------------------------------
class RacingInbox(InboxService):
    """An update arrives (and rings) just after the processor found nothing to do."""

    def __init__(self, *args: Any, ring: Any) -> None:
        super().__init__(*args)
        self.ring = ring
        self.reads = 0

    async def pending(self, limit: int = 50) -> list[tuple[int, dict[str, Any]]]:
        batch = await super().pending(limit)
        self.reads += 1
        if self.reads == 1:
            await self.receive([text_update(11, STRANGER_CHAT, "hello")])
            self.ring()
        return batch


async def test_an_update_stored_during_the_last_empty_read_is_processed_without_waiting(
    store: Store,
) -> None:
    app = Application()
    rings: list[InboxProcessor] = []
    inbox = RacingInbox(store.uow, ManualClock(NOW), ring=lambda: rings[0].signal())
    rings.append(processor(inbox, app))
    stop = asyncio.Event()
    task = asyncio.create_task(rings[0].run(stop, poll=3600))  # only a signal wakes it
    try:
        await wait_until(lambda: app.handled == [11], timeout=10, what="update 11 handled")
    finally:
        stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await task
