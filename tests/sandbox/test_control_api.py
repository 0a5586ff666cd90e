"""The control client plays people and reads back what the bot did."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.sandbox.client import SandboxError
from bot.sandbox.models import SandboxUser
from bot.sandbox.testing import Sandbox


def one_button(data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data=data)]])


async def test_a_new_user_has_a_private_chat_with_the_same_id(sandbox: Sandbox) -> None:
    first = await sandbox.client.create_user("Ana", username="ana_example", language="pt")
    second = await sandbox.client.create_user("Ben")
    assert first.id == first.chat_id > 0
    assert second.id != first.id
    assert (first.username, first.language_code) == ("ana_example", "pt")


async def test_a_group_has_a_negative_id_and_its_members_can_write_there(
    sandbox: Sandbox, bot: telegram.Bot, patient: SandboxUser
) -> None:
    group = await sandbox.client.create_group("Fictional family", [patient.id])
    assert group < 0
    update_id = await sandbox.client.send_text(patient.id, "hello all", chat_id=group)
    [update] = [u for u in await bot.get_updates() if u.update_id == update_id]
    assert update.message is not None and update.message.chat.type == "group"
    assert (await bot.send_message(group, "Hello family")).chat.id == group


async def test_someone_outside_a_group_cannot_write_there(
    sandbox: Sandbox, patient: SandboxUser
) -> None:
    outsider = await sandbox.client.create_user("Ola")
    group = await sandbox.client.create_group("Fictional family", [patient.id])
    with pytest.raises(SandboxError, match="not a member"):
        await sandbox.client.send_text(outsider.id, "hi", chat_id=group)


async def test_starting_with_a_deep_link_sends_start_and_the_payload(
    sandbox: Sandbox, bot: telegram.Bot
) -> None:
    person = await sandbox.client.create_user("Ana")
    await sandbox.client.start_bot(person.id, payload="inv_ABC-123")
    [update] = await bot.get_updates()
    assert update.message is not None and update.message.text == "/start inv_ABC-123"
    [entity] = update.message.entities
    assert (entity.type, entity.offset, entity.length) == ("bot_command", 0, 6)


async def test_a_deep_link_payload_telegram_would_not_carry_is_refused(sandbox: Sandbox) -> None:
    person = await sandbox.client.create_user("Ana")
    with pytest.raises(SandboxError, match="payload"):
        await sandbox.client.start_bot(person.id, payload="has spaces")


async def test_pressing_a_button_sends_a_callback_query(
    sandbox: Sandbox, bot: telegram.Bot, patient: SandboxUser
) -> None:
    sent = await bot.send_message(patient.chat_id, "Ready?", reply_markup=one_button("go:1"))
    update_id = await sandbox.client.press_button(patient.id, sent.message_id, "go:1")
    [update] = [u for u in await bot.get_updates() if u.update_id == update_id]
    query = update.callback_query
    assert query is not None
    assert (query.data, query.from_user.id) == ("go:1", patient.id)
    assert query.message is not None and query.message.message_id == sent.message_id
    assert query.chat_instance and query.id


async def test_a_button_that_is_not_on_the_message_needs_force(
    sandbox: Sandbox, bot: telegram.Bot, patient: SandboxUser
) -> None:
    sent = await bot.send_message(patient.chat_id, "Ready?", reply_markup=one_button("go:1"))
    with pytest.raises(SandboxError, match="no button"):
        await sandbox.client.press_button(patient.id, sent.message_id, "admin:delete")
    update_id = await sandbox.client.press_button(
        patient.id, sent.message_id, "admin:delete", force=True
    )
    [update] = [u for u in await bot.get_updates() if u.update_id == update_id]
    assert update.callback_query is not None and update.callback_query.data == "admin:delete"


async def test_wait_for_message_returns_the_bots_messages_one_by_one(
    sandbox: Sandbox, bot: telegram.Bot, patient: SandboxUser
) -> None:
    await bot.send_message(patient.chat_id, "first")
    await bot.send_message(patient.chat_id, "second")
    assert (await sandbox.client.wait_for_message(patient.chat_id)).text == "first"
    assert (await sandbox.client.wait_for_message(patient.chat_id)).text == "second"


async def test_wait_for_message_waits_for_a_message_still_to_come(
    sandbox: Sandbox, bot: telegram.Bot, patient: SandboxUser
) -> None:
    waiting = asyncio.create_task(sandbox.client.wait_for_message(patient.chat_id, timeout=5))
    await asyncio.sleep(0.05)
    await bot.send_message(patient.chat_id, "later")
    assert (await waiting).text == "later"


async def test_wait_for_message_can_skip_to_after_a_given_message(
    sandbox: Sandbox, bot: telegram.Bot, patient: SandboxUser
) -> None:
    first = await bot.send_message(patient.chat_id, "first")
    await bot.send_message(patient.chat_id, "second")
    later = await sandbox.client.wait_for_message(
        patient.chat_id, after_message_id=first.message_id
    )
    assert later.text == "second"


async def test_wait_for_message_raises_timeout_when_the_bot_stays_silent(
    sandbox: Sandbox, patient: SandboxUser
) -> None:
    with pytest.raises(TimeoutError, match="sent no message"):
        await sandbox.client.wait_for_message(patient.chat_id, timeout=0.1)


async def test_an_unanswered_press_times_out(
    sandbox: Sandbox, bot: telegram.Bot, patient: SandboxUser
) -> None:
    sent = await bot.send_message(patient.chat_id, "Ready?", reply_markup=one_button("go"))
    update_id = await sandbox.client.press_button(patient.id, sent.message_id, "go")
    [pending] = await sandbox.client.callback_answers(update_id=update_id)
    assert pending.answered is False
    with pytest.raises(TimeoutError, match="did not answer"):
        await sandbox.client.wait_for_callback_answer(update_id, timeout=0.1)


async def test_messages_can_include_what_the_user_wrote(
    sandbox: Sandbox, bot: telegram.Bot, patient: SandboxUser
) -> None:
    await bot.send_message(patient.chat_id, "Hello")
    everything = await sandbox.client.messages(patient.chat_id, include_user=True)
    assert [(m.from_bot, m.text) for m in everything] == [(False, "/start"), (True, "Hello")]


async def test_each_bot_token_has_its_own_people(sandbox: Sandbox) -> None:
    person = await sandbox.client.create_user("Ana")
    async with sandbox.client.for_bot("555:another-fictional-token-abc") as other:
        with pytest.raises(SandboxError, match="not found"):
            await other.start_bot(person.id)


async def test_reset_forgets_everything(sandbox: Sandbox, patient: SandboxUser) -> None:
    await sandbox.client.set_limits(private_burst=1)
    await sandbox.client.set_fault("500", count=3)
    await sandbox.client.reset()
    with pytest.raises(SandboxError, match="not found"):
        await sandbox.client.start_bot(patient.id)
    assert await sandbox.client.faults() == []
    assert (await sandbox.client.limits())["private_burst"] == 3
    assert (await sandbox.client.stats())["updates_created"] == 0


async def test_reset_of_one_bot_leaves_the_others_alone(sandbox: Sandbox) -> None:
    other_token = "555:another-fictional-token-abc"
    async with sandbox.client.for_bot(other_token) as other:
        kept = await other.create_user("Ana")
        forgotten = await sandbox.client.create_user("Ben")
        await sandbox.client.reset(only_this_bot=True)
        await other.start_bot(kept.id)
        with pytest.raises(SandboxError, match="not found"):
            await sandbox.client.start_bot(forgotten.id)


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/users", {}, 400),
        ("/users", {"first_name": "A", "username": "no spaces allowed"}, 400),
        ("/groups", {"title": "T", "member_ids": []}, 400),
        ("/users/1/messages", {"text": "hi"}, 404),
        ("/limits", {"private_burst": 0}, 400),
    ],
)
async def test_nonsense_control_requests_are_refused_with_a_reason(
    sandbox: Sandbox, path: str, body: dict[str, object], status: int
) -> None:
    verb = "PUT" if path == "/limits" else "POST"
    url = f"{sandbox.base_url}/sandbox{path}"
    async with aiohttp.ClientSession() as session, session.request(verb, url, json=body) as r:
        answer = await r.json()
    assert r.status == status
    assert answer["ok"] is False and answer["error"]
