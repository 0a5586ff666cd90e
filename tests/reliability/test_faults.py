"""Faults Telegram really produces, injected by the sandbox on sendMessage, through the real
python-telegram-bot client: what the dispatcher does with each.

Retries are 40 times quicker than in production here (see ``quick_retries``); a message
is failed after 3 attempts (``COMPANION_MAX_ATTEMPTS=3``).
"""

from __future__ import annotations

import pytest

from bot.domain.model import DeliveryStatus, OutboundMessage, Patient
from bot.sandbox.models import SandboxUser
from bot.services import texts
from tests.e2e.conftest import Clinic
from tests.reliability.desk import enqueue


async def notes(clinic: Clinic, patient: Patient, *lines: str) -> list[str]:
    return await enqueue(clinic.services, *[(patient.id, line) for line in lines])


async def rows(clinic: Clinic, ids: list[str]) -> list[OutboundMessage]:
    async with clinic.services.store.uow() as uow:
        found = [await uow.outbox.get(i) for i in ids]
    assert all(row is not None for row in found)
    return [row for row in found if row is not None]


async def sent_lines(clinic: Clinic, user: SandboxUser, prefix: str = "Note") -> list[str]:
    return [t for t in await clinic.texts(user) if t.startswith(prefix)]


async def deliver(clinic: Clinic) -> None:
    """Send until nothing is ready, including what a failure wrote (an alert to the team).

    ``run_until_idle`` alone may return just before such a row is claimed (see
    ``test_settling.py``).
    """
    for _ in range(10):
        await clinic.runtime.dispatcher.run_until_idle(timeout=30)
        async with clinic.services.store.uow() as uow:
            if not await uow.outbox.count_ready(clinic.clock.now()):
                return
    raise AssertionError("the outbox still has messages ready to send")


async def test_a_429_is_waited_out_and_the_same_message_sent_again_in_order(
    clinic: Clinic,
) -> None:
    patient, user = await clinic.onboard()
    await clinic.sandbox.client.set_fault("429", method="sendMessage", count=1, retry_after=1)
    ids = await notes(clinic, patient, "Note one", "Note two", "Note three")
    await deliver(clinic)
    assert await sent_lines(clinic, user) == ["Note one", "Note two", "Note three"]
    assert (await clinic.sandbox.client.stats())["faults_injected"] == {"429": 1}
    assert clinic.runtime.dispatcher.stats["rate_limited"] == 1
    sent = await rows(clinic, ids)
    assert [(r.status, r.attempts) for r in sent] == [
        (DeliveryStatus.SENT, 1)
    ] * 3  # no attempt lost


@pytest.mark.parametrize("kind", ["500", "502", "drop"])
async def test_a_server_error_or_a_dropped_connection_is_retried_then_delivered_once(
    clinic: Clinic, kind: str
) -> None:
    patient, user = await clinic.onboard()
    await clinic.sandbox.client.set_fault(kind, method="sendMessage", count=2)
    ids = await notes(clinic, patient, "Note after an outage", "Note that follows")
    await deliver(clinic)
    assert await sent_lines(clinic, user) == ["Note after an outage", "Note that follows"]
    first, second = await rows(clinic, ids)
    assert (first.status, first.attempts) == (DeliveryStatus.SENT, 3)
    assert (second.status, second.attempts) == (DeliveryStatus.SENT, 1)


async def test_a_message_failing_more_often_than_max_attempts_is_failed_and_the_team_alerted(
    clinic: Clinic,
) -> None:
    rivera = await clinic.link_staff("dr.rivera")
    patient, user = await clinic.onboard()
    await clinic.sandbox.client.set_fault("500", method="sendMessage", count=3)
    (note,) = await notes(clinic, patient, "Note never delivered")
    await deliver(clinic)
    assert await sent_lines(clinic, user) == []
    (row,) = await rows(clinic, [note])
    assert (row.status, row.attempts) == (DeliveryStatus.FAILED, 3)
    async with clinic.services.store.uow() as uow:
        escalations = await uow.escalations.find(patient_ids=[patient.id])
    assert [e.rule for e in escalations] == ["delivery_failed"]
    alert = await clinic.last(rivera)
    assert (alert.text or "").startswith(f"🔔 Alert {escalations[0].reference}")


async def test_a_403_marks_the_patient_unreachable_and_is_not_retried(clinic: Clinic) -> None:
    patient, user = await clinic.onboard()
    client = clinic.sandbox.client
    await client.set_fault("403", method="sendMessage", chat_id=user.chat_id, count=5)
    ids = await notes(clinic, patient, "Note refused", "Note never tried")
    await deliver(clinic)
    assert (await client.stats())["faults_injected"] == {"403": 1}
    assert [r.status for r in await rows(clinic, ids)] == [
        DeliveryStatus.FAILED,
        DeliveryStatus.CANCELLED,
    ]
    async with clinic.services.store.uow() as uow:
        stored = await uow.patients.get(patient.id)
        escalations = await uow.escalations.find(patient_ids=[patient.id])
    assert stored is not None and stored.reachable is False
    assert [e.rule for e in escalations] == ["blocked_bot"]


async def test_an_answer_lost_after_the_message_went_out_repeats_it_at_most_once(
    clinic: Clinic,
) -> None:
    patient, user = await clinic.onboard()
    await clinic.sandbox.client.set_fault("drop", method="sendMessage", count=1, phase="after")
    (note,) = await notes(clinic, patient, "Note whose answer was lost")
    await deliver(clinic)
    assert await sent_lines(clinic, user) == ["Note whose answer was lost"] * 2
    (row,) = await rows(clinic, [note])
    assert row.status is DeliveryStatus.SENT


async def test_the_consent_thanks_survives_a_flaky_network(clinic: Clinic) -> None:
    """Faults on the replies a patient waits for, not only on outbox notes."""
    _, code = await clinic.enrol()
    client = clinic.sandbox.client
    user = await client.create_user("Avery")
    await client.set_fault("502", method="sendMessage", rate=0.5, seed=7, count=4)
    await client.start_bot(user.id, code)
    await clinic.settle()
    await client.press(user.id, await clinic.last(user), texts.CONSENT_YES)
    await clinic.settle()
    assert await clinic.texts(user) == [texts.ONBOARDING, texts.CONSENT_THANKS]
    assert (await client.stats())["faults_injected"]["502"] >= 1
