"""Webhook mode: Telegram POSTs updates; 200 means "stored", a wrong secret stores nothing."""

from __future__ import annotations

import time
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.exc import OperationalError

from bot.bootstrap import build_services
from bot.config import load_settings
from bot.domain.model import PatientStatus
from bot.runtime.receiving import SECRET_HEADER, WebhookReceiver
from bot.sandbox.client import SandboxClient
from bot.services.inbox import InboxService
from bot.store.uow import Store
from tests.reliability.desk import Desk, onboard
from tests.reliability.processes import Deployment, Processes, free_port, wait_until

SECRET = "reliability-webhook-secret_0123456789"


def webhook_mode(deployment: Deployment) -> tuple[Deployment, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    hooked = deployment.with_values(
        webhook_url=url,
        webhook_secret=SECRET,
        webhook_listen="127.0.0.1",
        webhook_port=str(port),
    )
    return hooked, url


def an_update(update_id: int, chat_id: int = 5_999_001) -> dict[str, Any]:
    """A text message update as Telegram sends it (fictional sender)."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": 7,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Robin"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Robin"},
            "text": "/plan",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        },
    }


async def health(url: str) -> bool:
    try:
        async with aiohttp.ClientSession() as http, http.get(url) as response:
            return response.status == 200
    except aiohttp.ClientError:
        return False


# --- companion run --webhook, with the sandbox delivering --------------------------------
@pytest.mark.slow
async def test_in_webhook_mode_updates_from_telegram_are_acted_on(
    deployment: Deployment, processes: Processes, desk: Desk, telegram: SandboxClient
) -> None:
    hooked, _ = webhook_mode(deployment)
    await processes.started_bot(hooked, "--webhook")
    patient, _ = await onboard(desk, telegram)
    assert (await desk.patient(patient.id)).status is PatientStatus.ACTIVE
    stats = await telegram.stats()
    assert stats["webhook"]["succeeded"] >= 2 and stats["webhook"]["dropped"] == 0
    assert stats["calls"].get("getUpdates", 0) == 0


@pytest.mark.slow
@pytest.mark.parametrize(
    "headers",
    [{SECRET_HEADER: "not-the-secret"}, {}],
    ids=["wrong secret", "no secret"],
)
async def test_a_webhook_call_without_the_right_secret_gets_403_and_nothing_is_stored(
    deployment: Deployment,
    processes: Processes,
    desk: Desk,
    headers: dict[str, str],
) -> None:
    hooked, url = webhook_mode(deployment)
    await processes.started_bot(hooked, "--webhook")
    await wait_until(
        lambda: health(url.replace("/telegram", "/health")),
        timeout=20,
        what="the webhook listens",
    )
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json=an_update(990_001), headers=headers) as refused:
            assert refused.status == 403
        async with http.post(url, json=an_update(990_002), headers={SECRET_HEADER: SECRET}) as ok:
            assert ok.status == 200  # the same call with the secret is taken
    assert await desk.inbox_status(990_001) is None
    assert await desk.inbox_status(990_002) is not None


# --- the receiver in process, on a real store --------------------------------------------
async def stored_status(store: Store, update_id: int) -> str | None:
    async with store.uow() as uow:
        for pending_id, _ in await uow.inbox.pending(500):
            if pending_id == update_id:
                return "pending"
    return None


async def test_the_webhook_answers_200_only_after_the_update_is_committed(store: Store) -> None:
    services = build_services(store, load_settings())
    told: list[str] = []
    receiver = WebhookReceiver(services.inbox, SECRET, lambda: told.append("stored"))
    async with TestClient(TestServer(receiver.app())) as client:
        response = await client.post(
            "/telegram", json=an_update(990_003), headers={SECRET_HEADER: SECRET}
        )
        assert response.status == 200
        assert await stored_status(store, 990_003) == "pending"  # readable by anyone now
    assert told == ["stored"]


class FailingInbox(InboxService):
    """An inbox whose commit fails, as when the database is unreachable."""

    async def receive(self, updates: list[dict[str, Any]]) -> int:
        raise OperationalError("INSERT INTO inbox", {}, ConnectionError("database unreachable"))


async def test_an_update_that_could_not_be_committed_is_not_answered_200(store: Store) -> None:
    services = build_services(store, load_settings())
    told: list[str] = []
    inbox = FailingInbox(store.uow, services.clock)
    receiver = WebhookReceiver(inbox, SECRET, lambda: told.append("stored"))
    async with TestClient(TestServer(receiver.app())) as client:
        response = await client.post(
            "/telegram", json=an_update(990_004), headers={SECRET_HEADER: SECRET}
        )
        assert response.status >= 500  # Telegram keeps the update and tries again
    assert told == []
