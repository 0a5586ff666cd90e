"""The same update twice has one effect: one check-in answer, one reply.

Telegram repeats an update when it was not confirmed (a restart before the offset moved,
a webhook answer that got lost); the inbox keeps one row per ``update_id``.
"""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from bot.bootstrap import build_services
from bot.domain.model import Patient
from bot.runtime.app import BotRuntime
from bot.runtime.receiving import SECRET_HEADER, WebhookReceiver
from bot.sandbox.models import SandboxUser
from tests.e2e.conftest import Clinic
from tests.reliability.inprocess import unpaced

SECRET = "reliability-webhook-secret_0123"
NEXT_QUESTION = "Check-in (2/5)"


async def answered_first_question(clinic: Clinic) -> tuple[Patient, SandboxUser, dict[str, Any]]:
    """A patient presses "3" on the first question; the raw update Telegram holds for it."""
    patient, user = await clinic.onboard()
    await clinic.say(user, "/checkin")
    update_id = await clinic.sandbox.client.press(user.id, await clinic.last(user), "3")
    (update,) = await clinic.sandbox.client.pending_updates()
    assert update["update_id"] == update_id
    return patient, user, update


async def answers(clinic: Clinic, patient_id: str) -> dict[str, object]:
    async with clinic.services.store.uow() as uow:
        (checkin,) = await uow.checkins.for_patient(patient_id)
        return {a.question_id: a.value for a in await uow.checkins.answers(checkin)}


async def assert_one_effect(
    clinic: Clinic, patient: Patient, user: SandboxUser, update_id: int
) -> None:
    assert await answers(clinic, patient.id) == {"craving": 3}
    texts = await clinic.texts(user)
    assert sum(text.startswith(NEXT_QUESTION) for text in texts) == 1
    presses = await clinic.sandbox.client.callback_answers(update_id=update_id)
    assert [press.answered for press in presses] == [True]


async def test_an_update_stored_a_second_time_is_not_processed_again(clinic: Clinic) -> None:
    patient, user, update = await answered_first_question(clinic)
    await clinic.settle()
    assert await clinic.services.inbox.receive([update]) == 0
    assert await clinic.runtime.processor.process_pending() == 0
    await clinic.settle()
    await assert_one_effect(clinic, patient, user, update["update_id"])


async def test_an_update_telegram_delivers_again_after_a_restart_is_processed_once(
    clinic: Clinic,
) -> None:
    patient, user, update = await answered_first_question(clinic)
    assert await clinic.runtime.receive() == 1  # stored; the offset is confirmed next poll
    assert await clinic.runtime.processor.process_pending() == 1
    await clinic.runtime.dispatcher.run_until_idle()
    assert await clinic.sandbox.client.pending_updates() == [update]  # the process ends here

    services = build_services(clinic.services.store, clinic.services.settings, clinic.clock)
    restarted = BotRuntime(services, clinic.sandbox.bot(), poll_timeout=0, pacer=unpaced())
    await restarted.start()
    try:
        assert await restarted.receive() == 1  # Telegram hands the same update over again
        assert await restarted.processor.process_pending() == 0
        await restarted.settle()
    finally:
        await restarted.stop()
    assert await clinic.sandbox.client.pending_updates() == []
    await assert_one_effect(clinic, patient, user, update["update_id"])


async def test_a_webhook_post_repeated_has_one_effect(clinic: Clinic) -> None:
    patient, user, update = await answered_first_question(clinic)
    runtime = clinic.runtime
    receiver = WebhookReceiver(clinic.services.inbox, SECRET, runtime.processor.signal)
    async with TestClient(TestServer(receiver.app())) as http:
        for _ in range(2):  # the first answer was lost on the way back: Telegram repeats
            response = await http.post("/telegram", json=update, headers={SECRET_HEADER: SECRET})
            assert response.status == 200
    assert await runtime.processor.process_pending() == 1
    await runtime.dispatcher.run_until_idle()
    await assert_one_effect(clinic, patient, user, update["update_id"])
