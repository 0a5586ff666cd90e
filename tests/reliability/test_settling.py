"""``run_until_idle`` (what ``BotRuntime.settle``, the demo and the tests use to let the bot
finish its work) returns only when nothing is left to send."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.bootstrap import build_services
from bot.config import load_settings
from bot.delivery.api import PtbBotApi
from bot.delivery.dispatcher import Dispatcher
from bot.domain.model import DeliveryStatus, OutboundMessage, PatientStatus
from bot.sandbox.testing import Sandbox
from bot.services.delivery import DeliveryService, Ready
from bot.store.uow import Store
from tests.factories import make_staff, seed_patient
from tests.reliability.desk import enqueue
from tests.reliability.inprocess import unpaced


class RacingDelivery(DeliveryService):
    """Makes one interleaving certain: a claim reads the outbox just before a failed
    message's alert is committed, and returns just after the failed send has finished."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.failing = asyncio.Event()
        self.claim_read = asyncio.Event()
        self.alert_written = asyncio.Event()

    async def claim(self, limit: int, lease: timedelta) -> list[Ready]:
        ready = await super().claim(limit, lease)
        if self.failing.is_set() and not self.claim_read.is_set():
            self.claim_read.set()
            await self.alert_written.wait()
            for _ in range(5):  # the send task ends and leaves the dispatcher's task set
                await asyncio.sleep(0)
        return ready

    async def failed(self, message: OutboundMessage, error: str) -> None:
        self.failing.set()
        await self.claim_read.wait()
        await super().failed(message, error)
        self.alert_written.set()


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_settling_sends_the_alert_a_failed_message_wrote(
    sandbox: Sandbox, store: Store, backend: str
) -> None:
    settings = load_settings(
        telegram_token=sandbox.token, telegram_base_url=sandbox.bot_api_url, max_attempts=1
    )
    services = build_services(store, settings)
    now = services.clock.now()
    patient_user = await sandbox.client.create_user("Avery")
    staff_user = await sandbox.client.create_user("Sam")
    await sandbox.client.start_bot(patient_user.id)
    await sandbox.client.start_bot(staff_user.id)
    async with store.uow() as uow:
        team, patient = await seed_patient(
            uow, now, chat_id=patient_user.chat_id, status=PatientStatus.ACTIVE
        )
        staff = make_staff(now)
        await uow.staff.add(staff)
        await uow.teams.add_member(team.id, staff.id, now)
        await uow.staff.link_telegram(staff.id, staff_user.chat_id)
        await uow.commit()
    (note,) = await enqueue(services, (patient.id, "Note that cannot go"))
    await sandbox.client.set_fault("500", method="sendMessage", count=1)
    delivery = RacingDelivery(store.uow, services.clock, services.escalations, max_attempts=1)
    async with sandbox.bot() as bot:
        dispatcher = Dispatcher(delivery, PtbBotApi(bot), unpaced(), idle_poll=0.05)
        await dispatcher.run_until_idle(timeout=10)
    async with store.uow() as uow:
        row = await uow.outbox.get(note)
    assert row is not None and row.status is DeliveryStatus.FAILED
    alerts = await sandbox.client.messages(staff_user.chat_id)
    assert [m.text[:8] for m in alerts if m.text] == ["🔔 Alert "]
