"""Two instances on one database never both act on an update.

Each instance reads the pending updates on its own, so two can pick up the same one. The
use case marks its update done only while it is still pending, in the transaction of its
effects: on PostgreSQL the second waits for the first's row lock, finds the update done,
and rolls back (``AlreadyProcessed``), which its processor takes as "nothing to do".
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from telegram import Update

from bot.bootstrap import Services, build_services
from bot.config import load_settings
from bot.domain.model import PatientStatus
from bot.runtime.processor import InboxProcessor
from bot.services.clock import ManualClock
from bot.services.outgoing import AlreadyProcessed
from bot.store.database import open_database
from bot.store.uow import Store
from tests.factories import make_staff, seed_patient

CHAT = 5001
SOS = {
    "update_id": 42,
    "message": {
        "message_id": 9,
        "date": 0,
        "chat": {"id": CHAT, "type": "private"},
        "from": {"id": CHAT, "is_bot": False, "first_name": "Avery"},
        "text": "/sos",
    },
}


class SosApplication:
    """Stands in for the PTB application of one instance: every update is an SOS."""

    def __init__(self, services: Services) -> None:
        self.bot = None
        self.bot_data: dict[str, Any] = {}
        self.services = services

    async def process_update(self, update: Update) -> None:
        assert update.effective_chat is not None
        await self.services.safety.sos(update.effective_chat.id, update.update_id)


@pytest.fixture
async def instances(store: Store) -> AsyncIterator[tuple[Services, Services]]:
    """Two instances (each its own connection pool) on one database, a patient in care."""
    other = Store(open_database(store.db.url), store.keys)
    clock = ManualClock(datetime(2026, 3, 2, 14, 30, tzinfo=UTC))
    first, second = (build_services(s, load_settings(), clock) for s in (store, other))
    now = clock.now()
    staff = make_staff(now)
    async with store.uow() as uow:
        team, _ = await seed_patient(uow, now, chat_id=CHAT, status=PatientStatus.ACTIVE)
        await uow.staff.add(staff)
        await uow.staff.link_telegram(staff.id, 7001)
        await uow.teams.add_member(team.id, staff.id, now)
        await uow.commit()
    await first.inbox.receive([SOS])
    try:
        yield first, second
    finally:
        await other.close()


async def effects(services: Services) -> tuple[list[str], int]:
    """The escalations raised and how many messages were queued to the care team."""
    async with services.store.uow() as uow:
        escalations = [e.reference for e in await uow.escalations.find()]
        alerts = [m for m in await uow.outbox.listing(limit=100) if m.recipient_kind == "staff"]
    return escalations, len(alerts)


async def test_the_same_sos_handled_by_two_instances_at_once_raises_one_escalation(
    instances: tuple[Services, Services],
) -> None:
    first, second = instances
    outcomes = await asyncio.gather(
        first.safety.sos(CHAT, 42), second.safety.sos(CHAT, 42), return_exceptions=True
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["AlreadyProcessed", "bool"]
    assert await effects(first) == (["E-1"], 1)


async def test_an_update_already_done_is_refused_and_its_effects_rolled_back(
    instances: tuple[Services, Services],
) -> None:
    first, second = instances
    assert await first.safety.sos(CHAT, 42) is True
    with pytest.raises(AlreadyProcessed):
        await second.safety.sos(CHAT, 42)
    assert await effects(first) == (["E-1"], 1)


async def test_two_processors_taking_the_same_update_act_once_and_count_no_failure(
    instances: tuple[Services, Services], caplog: pytest.LogCaptureFixture
) -> None:
    processors = [
        InboxProcessor(s.inbox, SosApplication(s), lambda: None)  # type: ignore[arg-type]
        for s in instances
    ]
    with caplog.at_level(logging.INFO, logger="bot.runtime.processor"):
        await asyncio.gather(*(p.process_pending() for p in processors))
    first, _ = instances
    assert await effects(first) == (["E-1"], 1)
    assert await first.inbox.pending() == []
    assert [r.message for r in caplog.records if "inbox.failed" in r.message] == []
