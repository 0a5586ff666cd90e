"""getUpdates follows Telegram's offset rules, long-polls, and refuses two pollers."""

from __future__ import annotations

import asyncio

import pytest
import telegram

from bot.sandbox.testing import Sandbox


async def three_messages(sandbox: Sandbox) -> list[int]:
    person = await sandbox.client.create_user("Kai")
    return [await sandbox.client.send_text(person.id, f"note {n}") for n in range(3)]


async def test_an_unconfirmed_update_is_delivered_again(
    sandbox: Sandbox, bot: telegram.Bot
) -> None:
    ids = await three_messages(sandbox)
    first = await bot.get_updates()
    again = await bot.get_updates()
    assert [u.update_id for u in first] == ids
    assert [u.update_id for u in again] == ids


async def test_a_higher_offset_confirms_and_forgets_earlier_updates(
    sandbox: Sandbox, bot: telegram.Bot
) -> None:
    ids = await three_messages(sandbox)
    assert [u.update_id for u in await bot.get_updates(offset=ids[1])] == ids[1:]
    assert [u.update_id for u in await bot.get_updates()] == ids[1:]
    assert await bot.get_updates(offset=ids[-1] + 1) == ()
    assert await sandbox.client.pending_updates() == []


async def test_a_negative_offset_keeps_only_the_last_updates(
    sandbox: Sandbox, bot: telegram.Bot
) -> None:
    ids = await three_messages(sandbox)
    assert [u.update_id for u in await bot.get_updates(offset=-1)] == ids[-1:]
    assert [u.update_id for u in await bot.get_updates()] == ids[-1:]


async def test_limit_caps_how_many_updates_come_back(sandbox: Sandbox, bot: telegram.Bot) -> None:
    ids = await three_messages(sandbox)
    assert [u.update_id for u in await bot.get_updates(limit=2)] == ids[:2]


async def test_a_message_update_looks_like_telegrams(sandbox: Sandbox, bot: telegram.Bot) -> None:
    person = await sandbox.client.create_user("Kai", username="kai_example", language="de")
    update_id = await sandbox.client.send_text(person.id, "/plan today")
    [update] = await bot.get_updates()
    message = update.message
    assert update.update_id == update_id
    assert message is not None and message.text == "/plan today"
    assert message.from_user is not None and message.from_user.language_code == "de"
    assert message.chat.id == person.chat_id and message.chat.username == "kai_example"
    assert message.parse_entities(["bot_command"]).popitem()[1] == "/plan"


async def test_a_long_poll_returns_as_soon_as_an_update_arrives(
    sandbox: Sandbox, bot: telegram.Bot
) -> None:
    person = await sandbox.client.create_user("Kai")
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.05)
    assert not poll.done()
    update_id = await sandbox.client.send_text(person.id, "here")
    updates = await asyncio.wait_for(poll, 5)
    assert [u.update_id for u in updates] == [update_id]


async def test_a_long_poll_with_nothing_to_say_returns_empty(bot: telegram.Bot) -> None:
    assert await bot.get_updates(timeout=0.1) == ()


async def test_a_second_poller_ends_the_first_with_a_conflict(
    sandbox: Sandbox, bot: telegram.Bot
) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.05)
    async with sandbox.bot() as second_instance:
        second = await second_instance.get_updates(timeout=0)
    assert second == ()
    with pytest.raises(telegram.error.Conflict, match="terminated by other getUpdates request"):
        await asyncio.wait_for(first, 5)
