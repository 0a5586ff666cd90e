"""Each flood limit answers 429 with retry_after, as Telegram does, and is counted."""

from __future__ import annotations

import aiohttp
import pytest
import telegram

from bot.sandbox import LimitSettings, SandboxServer
from bot.sandbox.models import SandboxUser
from bot.sandbox.testing import Sandbox, retry_after_seconds

# PTB itself reads RetryAfter.retry_after as an int while raising it (deprecated since v22.2).
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"
)

SLOW = 0.01  # a refill rate slow enough that no test can outrun it


async def test_the_defaults_are_telegrams_published_limits(sandbox: Sandbox) -> None:
    limits = await sandbox.client.limits()
    assert limits["global_per_second"] == 30
    assert (limits["private_burst"], limits["private_per_second"]) == (3, 1)
    assert limits["group_per_minute"] == 20
    assert limits["enabled"] is True


async def test_too_many_messages_to_one_private_chat_are_refused_and_counted(
    sandbox: Sandbox, bot: telegram.Bot, patient: SandboxUser
) -> None:
    await sandbox.client.set_limits(private_burst=2, private_per_second=SLOW)
    await bot.send_message(patient.chat_id, "one")
    await bot.send_message(patient.chat_id, "two")
    with pytest.raises(telegram.error.RetryAfter) as refused:
        await bot.send_message(patient.chat_id, "three")
    assert retry_after_seconds(refused.value) >= 1
    stats = await sandbox.client.stats()
    assert stats["limit_violations"] == {"global": 0, "private_chat": 1, "group": 0}
    assert stats["too_many_requests"] == 1
    assert [m.text for m in await sandbox.client.messages(patient.chat_id)] == ["one", "two"]


async def test_too_many_messages_to_one_group_are_refused_and_counted(
    sandbox: Sandbox, bot: telegram.Bot, patient: SandboxUser
) -> None:
    await sandbox.client.set_limits(group_burst=2, group_per_minute=SLOW)
    group = await sandbox.client.create_group("Fictional family", [patient.id])
    await bot.send_message(group, "one")
    await bot.send_message(group, "two")
    with pytest.raises(telegram.error.RetryAfter):
        await bot.send_message(group, "three")
    stats = await sandbox.client.stats()
    assert stats["limit_violations"] == {"global": 0, "private_chat": 0, "group": 1}


async def test_too_many_messages_overall_are_refused_and_counted(
    sandbox: Sandbox, bot: telegram.Bot
) -> None:
    await sandbox.client.set_limits(global_burst=2, global_per_second=SLOW)
    people = [await sandbox.client.create_user(name) for name in ("Ari", "Bo", "Cy")]
    for person in people:
        await sandbox.client.start_bot(person.id)
    await bot.send_message(people[0].chat_id, "hi")
    await bot.send_message(people[1].chat_id, "hi")
    with pytest.raises(telegram.error.RetryAfter):
        await bot.send_message(people[2].chat_id, "hi")
    stats = await sandbox.client.stats()
    assert stats["limit_violations"] == {"global": 1, "private_chat": 0, "group": 0}


async def test_photos_and_documents_count_too(
    sandbox: Sandbox, bot: telegram.Bot, patient: SandboxUser
) -> None:
    await sandbox.client.set_limits(private_burst=1, private_per_second=SLOW)
    await bot.send_document(patient.chat_id, b"fictional", filename="a.txt")
    with pytest.raises(telegram.error.RetryAfter):
        await bot.send_document(patient.chat_id, b"fictional", filename="b.txt")


async def test_edits_do_not_count_toward_the_limits(
    sandbox: Sandbox, bot: telegram.Bot, patient: SandboxUser
) -> None:
    await sandbox.client.set_limits(private_burst=1, private_per_second=SLOW)
    sent = await bot.send_message(patient.chat_id, "v1")
    for version in ("v2", "v3", "v4"):
        await bot.edit_message_text(version, patient.chat_id, sent.message_id)
    assert (await sandbox.client.stats())["too_many_requests"] == 0


async def test_a_429_has_telegrams_shape(sandbox: Sandbox, patient: SandboxUser) -> None:
    await sandbox.client.set_limits(private_burst=1, private_per_second=0.5)
    url = f"{sandbox.bot_api_url}{sandbox.token}/sendMessage"
    async with aiohttp.ClientSession() as session:
        await (await session.post(url, json={"chat_id": patient.chat_id, "text": "a"})).read()
        async with session.post(url, json={"chat_id": patient.chat_id, "text": "b"}) as r:
            status, body = r.status, await r.json()
    assert status == 429
    retry_after = body["parameters"]["retry_after"]
    assert isinstance(retry_after, int) and retry_after >= 1
    assert body == {
        "ok": False,
        "error_code": 429,
        "description": f"Too Many Requests: retry after {retry_after}",
        "parameters": {"retry_after": retry_after},
    }


async def test_limits_can_be_switched_off(
    sandbox: Sandbox, bot: telegram.Bot, patient: SandboxUser
) -> None:
    await sandbox.client.set_limits(enabled=False, private_burst=1, private_per_second=SLOW)
    for n in range(4):
        await bot.send_message(patient.chat_id, f"message {n}")
    assert (await sandbox.client.stats())["too_many_requests"] == 0


async def test_limits_can_be_given_to_the_server_at_start() -> None:
    server = SandboxServer(limits=LimitSettings(private_burst=7))
    async with server, server.client() as client:
        assert (await client.limits())["private_burst"] == 7


async def test_a_fake_clock_makes_the_limits_independent_of_machine_speed() -> None:
    now = [0.0]
    server = SandboxServer(limit_clock=lambda: now[0])
    async with server, server.client() as client:
        person = await client.create_user("Ira")
        await client.start_bot(person.id)
        async with telegram.Bot(server.token, base_url=server.bot_api_url) as bot:
            for n in range(3):
                await bot.send_message(person.chat_id, f"burst {n}")
            with pytest.raises(telegram.error.RetryAfter):
                await bot.send_message(person.chat_id, "too soon")
            now[0] += 1.0
            assert (await bot.send_message(person.chat_id, "a second later")).text
