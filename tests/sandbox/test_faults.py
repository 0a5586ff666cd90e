"""Injected faults reach python-telegram-bot as the errors a real outage would cause."""

from __future__ import annotations

import pytest
import telegram
from telegram.request import HTTPXRequest

from bot.sandbox import SandboxError
from bot.sandbox.models import SandboxUser
from bot.sandbox.testing import Sandbox, retry_after_seconds

# PTB itself reads RetryAfter.retry_after as an int while raising it (deprecated since v22.2).
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"
)

NETWORK_FAULTS = [
    ("500", "Internal Server Error"),
    ("502", "Bad Gateway"),
    ("drop", "Server disconnected"),
]


async def test_an_injected_429_carries_its_retry_after(
    sandbox: Sandbox, bot: telegram.Bot, patient: SandboxUser
) -> None:
    await sandbox.client.set_fault("429", method="sendMessage", count=1, retry_after=7)
    with pytest.raises(telegram.error.RetryAfter) as refused:
        await bot.send_message(patient.chat_id, "hi")
    assert retry_after_seconds(refused.value) == 7
    assert (await bot.send_message(patient.chat_id, "hi again")).text == "hi again"


@pytest.mark.parametrize(("kind", "wording"), NETWORK_FAULTS, ids=[k for k, _ in NETWORK_FAULTS])
async def test_server_errors_and_dropped_connections_are_network_errors(
    sandbox: Sandbox, bot: telegram.Bot, patient: SandboxUser, kind: str, wording: str
) -> None:
    await sandbox.client.set_fault(kind, method="sendMessage", count=1)
    with pytest.raises(telegram.error.NetworkError, match=wording) as failed:
        await bot.send_message(patient.chat_id, "hi")
    assert not isinstance(failed.value, telegram.error.BadRequest)
    assert await sandbox.client.messages(patient.chat_id) == []


async def test_a_slow_answer_times_out_in_the_client(
    sandbox: Sandbox, patient: SandboxUser
) -> None:
    await sandbox.client.set_fault("slow", method="sendMessage", count=1, delay=5.0)
    impatient = HTTPXRequest(read_timeout=0.2)
    async with sandbox.bot(request=impatient) as bot:
        with pytest.raises(telegram.error.TimedOut):
            await bot.send_message(patient.chat_id, "hi")


async def test_a_slow_answer_still_arrives_when_the_client_waits(
    sandbox: Sandbox, bot: telegram.Bot, patient: SandboxUser
) -> None:
    await sandbox.client.set_fault("slow", method="sendMessage", count=1, delay=0.05)
    assert (await bot.send_message(patient.chat_id, "hi")).text == "hi"


async def test_an_answer_lost_after_sending_leaves_the_message_delivered(
    sandbox: Sandbox, bot: telegram.Bot, patient: SandboxUser
) -> None:
    await sandbox.client.set_fault("drop", method="sendMessage", count=1, phase="after")
    with pytest.raises(telegram.error.NetworkError):
        await bot.send_message(patient.chat_id, "did this arrive?")
    assert [m.text for m in await sandbox.client.messages(patient.chat_id)] == ["did this arrive?"]


async def test_a_forbidden_fault_hits_only_its_chat(
    sandbox: Sandbox, bot: telegram.Bot, patient: SandboxUser
) -> None:
    other = await sandbox.client.create_user("Lee")
    await sandbox.client.start_bot(other.id)
    await sandbox.client.set_fault("403", chat_id=patient.chat_id, rate=1.0)
    with pytest.raises(telegram.error.Forbidden, match="blocked"):
        await bot.send_message(patient.chat_id, "hi")
    assert (await bot.send_message(other.chat_id, "hi")).text == "hi"


async def test_a_fault_for_all_methods_spares_the_control_api(
    sandbox: Sandbox, bot: telegram.Bot
) -> None:
    await sandbox.client.set_fault("500", rate=1.0)
    person = await sandbox.client.create_user("Lee")
    await sandbox.client.start_bot(person.id)
    with pytest.raises(telegram.error.NetworkError):
        await bot.get_updates()
    assert len(await sandbox.client.pending_updates()) == 1


async def test_a_seeded_rate_fails_the_same_calls_every_run(
    sandbox: Sandbox, bot: telegram.Bot, patient: SandboxUser
) -> None:
    async def outcomes() -> list[bool]:
        await sandbox.client.clear_faults()
        await sandbox.client.set_fault("500", method="getMe", rate=0.5, seed=3)
        results = []
        for _ in range(12):
            try:
                await bot.get_me()
                results.append(True)
            except telegram.error.NetworkError:
                results.append(False)
        return results

    first = await outcomes()
    assert first == await outcomes()
    assert True in first and False in first


async def test_faults_are_counted_and_can_be_cleared(
    sandbox: Sandbox, bot: telegram.Bot, patient: SandboxUser
) -> None:
    await sandbox.client.set_fault("502", method="sendMessage", rate=1.0)
    for _ in range(2):
        with pytest.raises(telegram.error.NetworkError):
            await bot.send_message(patient.chat_id, "hi")
    stats = await sandbox.client.stats()
    assert stats["faults_injected"] == {"502": 2}
    assert stats["responses"]["502"] == 2
    await sandbox.client.clear_faults()
    assert await sandbox.client.faults() == []
    assert (await bot.send_message(patient.chat_id, "hi")).text == "hi"


async def test_a_fault_that_makes_no_sense_is_refused_by_the_control_api(
    sandbox: Sandbox,
) -> None:
    with pytest.raises(SandboxError, match="rate"):
        await sandbox.client.set_fault("500", rate=2.0)
