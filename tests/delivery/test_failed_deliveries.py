"""A message to a patient that could not be delivered: the team is told only when the
patient missed something (a message or a document), not for a stale button answer or an
edit of a message they already have."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.bootstrap import Services, build_services
from bot.config import load_settings
from bot.delivery.api import Rejected
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.pacing import Pacer
from bot.domain.model import DeliveryStatus, OutboundMessage, PatientStatus
from bot.services.clock import SystemClock
from bot.services.outgoing import Outgoing
from bot.store.uow import Store
from tests.delivery.fakes import FakeBotApi
from tests.factories import seed_patient

AVERY_CHAT = 5001

Build = Callable[[Outgoing, str], OutboundMessage]

MESSAGES: dict[str, Build] = {
    "sendMessage": lambda out, pid: out.to_patient(pid, "hello", purpose="test"),
    "sendDocument": lambda out, pid: out.add(
        "patient", pid, "sendDocument", {"caption": "your data"}, purpose="export", patient_id=pid
    ),
    "editMessageText": lambda out, pid: out.edit_for_patient(
        pid, "an-earlier-message", "Check-in (1/5)\n✓", purpose="checkin", buttons=[]
    ),
    "answerCallbackQuery": lambda out, pid: out.answer_callback(
        "patient", pid, "cbq-1", patient_id=pid
    ),
}


@pytest.fixture
def services(store: Store) -> Services:
    return build_services(store, load_settings(max_attempts=3), SystemClock())


async def linked_patient(services: Services) -> str:
    async with services.store.uow() as uow:
        _, patient = await seed_patient(
            uow, services.clock.now(), chat_id=AVERY_CHAT, status=PatientStatus.ACTIVE
        )
        await uow.commit()
    return patient.id


async def queued(services: Services, build: Build, patient_id: str) -> OutboundMessage:
    out = Outgoing("test", services.clock.now())
    message = build(out, patient_id)
    async with services.store.uow() as uow:
        await uow.outbox.enqueue(message)
        await uow.commit()
    return message


async def rules_raised(services: Services, patient_id: str) -> list[str]:
    async with services.store.uow() as uow:
        return [e.rule for e in await uow.escalations.find(patient_ids=[patient_id])]


@pytest.mark.parametrize(
    ("method", "escalated"),
    [
        ("sendMessage", True),
        ("sendDocument", True),
        ("editMessageText", False),
        ("answerCallbackQuery", False),
    ],
)
async def test_only_a_message_the_patient_missed_raises_delivery_failed(
    services: Services, method: str, escalated: bool
) -> None:
    patient_id = await linked_patient(services)
    message = await queued(services, MESSAGES[method], patient_id)
    await services.delivery.failed(message, "400 Bad Request")
    assert await rules_raised(services, patient_id) == (["delivery_failed"] if escalated else [])
    async with services.store.uow() as uow:
        row = await uow.outbox.get(message.id)
    assert row is not None and row.status is DeliveryStatus.FAILED


async def test_answering_a_button_press_too_late_alerts_nobody(services: Services) -> None:
    patient_id = await linked_patient(services)
    await queued(services, MESSAGES["answerCallbackQuery"], patient_id)
    api = FakeBotApi()
    api.fail_next(0, Rejected("400 Bad Request: query is too old and response timeout expired"))
    await Dispatcher(services.delivery, api, Pacer(), idle_poll=0.01).run_until_idle()
    assert [method for method, _, _ in api.calls] == ["answerCallbackQuery"]
    assert await rules_raised(services, patient_id) == []
