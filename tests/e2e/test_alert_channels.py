"""E-mail and signed-webhook alerts, and falling back when Telegram fails a clinician."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from bot.delivery.channels import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from bot.domain.model import Level
from bot.services import texts
from tests.e2e.conftest import Clinic
from tests.e2e.mail import FakeSmtp

SECRET = "hook-secret-for-tests-0123456789abcdef"


@pytest.fixture
async def smtp() -> AsyncIterator[FakeSmtp]:
    server = FakeSmtp()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def hook() -> AsyncIterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    received: list[tuple[dict[str, str], bytes]] = []

    async def handle(request: web.Request) -> web.Response:
        received.append((dict(request.headers), await request.read()))
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/alerts", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}/alerts", received
    await runner.cleanup()


@pytest.fixture
def extra_settings(smtp: FakeSmtp, hook: tuple[str, Any]) -> dict[str, object]:
    return {
        "smtp_host": "127.0.0.1",
        "smtp_port": smtp.port,
        "smtp_starttls": False,
        "alert_webhook_url": hook[0],
        "alert_webhook_secret": SECRET,
    }


async def test_an_alert_goes_out_by_email_and_signed_webhook_too(
    clinic: Clinic, smtp: FakeSmtp, hook: tuple[str, list[tuple[dict[str, str], bytes]]]
) -> None:
    patient, user = await clinic.onboard()
    await clinic.say(user, texts.SOS_BUTTON)
    recipients = sorted(m["To"] for m in smtp.messages)
    assert recipients == ["dr.rivera@clinic.example", "nurse.okafor@clinic.example"]
    mail = smtp.messages[0]
    body = mail.get_content()
    assert mail["Subject"] == "Alert E-1 · CRISIS"
    assert f"Patient {patient.reference} (A.Q.)" in body and "Avery" not in body
    (headers, raw) = hook[1][0]
    assert verify(SECRET.encode(), headers[TIMESTAMP_HEADER], raw, headers[SIGNATURE_HEADER])
    assert not verify(b"wrong", headers[TIMESTAMP_HEADER], raw, headers[SIGNATURE_HEADER])
    assert json.loads(raw) == {
        "event": "escalation.notify",
        "escalation": "E-1",
        "level": "crisis",
        "patient": patient.reference,
        "initials": "A.Q.",
        "step": 0,
        "raised_at": json.loads(raw)["raised_at"],
    }


async def test_a_blocked_clinician_chat_falls_back_to_email_and_the_next_person(
    clinic: Clinic, smtp: FakeSmtp
) -> None:
    rivera = await clinic.link_staff("dr.rivera")
    okafor = await clinic.link_staff("nurse.okafor")
    patient, user = await clinic.onboard()
    await clinic.sandbox.client.set_fault(
        "403", method="sendMessage", chat_id=rivera.chat_id, count=5
    )
    await clinic.say(user, "/checkin")
    for label in ("9", "4", "Payday evenings", "Done", "No", "6"):
        await clinic.press(user, label)
    async with clinic.services.store.uow() as uow:
        (escalation,) = await uow.escalations.find(patient_ids=[patient.id])
        events = [(e.kind, e.channel) for e in await uow.escalations.events(escalation)]
    assert escalation.level is Level.URGENT
    assert ("delivery_failed", "telegram") in events
    assert any(t.startswith("🔔 Alert E-1") for t in await clinic.texts(okafor))
    assert "dr.rivera@clinic.example" in [m["To"] for m in smtp.messages]
