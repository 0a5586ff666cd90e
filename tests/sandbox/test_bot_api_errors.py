"""Telegram's refusals reach python-telegram-bot in Telegram's shape, as PTB's own errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import aiohttp
import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.sandbox.models import SandboxUser
from bot.sandbox.testing import Sandbox

Call = Callable[[telegram.Bot, int], Awaitable[object]]
UNKNOWN_CHAT = 987_654_321


def long_data_button() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="x" * 65)]])


BAD_REQUESTS: list[tuple[str, Call, str]] = [
    (
        "an unknown chat",
        lambda bot, chat: bot.send_message(UNKNOWN_CHAT, "Hi"),
        "Chat not found",
    ),
    ("an empty text", lambda bot, chat: bot.send_message(chat, ""), "Message text is empty"),
    ("a blank text", lambda bot, chat: bot.send_message(chat, "  \n"), "Message text is empty"),
    (
        "a text over 4096 characters",
        lambda bot, chat: bot.send_message(chat, "a" * 4097),
        "Message is too long",
    ),
    (
        "callback data over 64 bytes",
        lambda bot, chat: bot.send_message(chat, "Hi", reply_markup=long_data_button()),
        "Button_data_invalid",
    ),
    (
        "editing a message that does not exist",
        lambda bot, chat: bot.edit_message_text("New", chat, 9999),
        "Message to edit not found",
    ),
    (
        "HTML Telegram cannot parse",
        lambda bot, chat: bot.send_message(chat, "1 < 2", parse_mode="HTML"),
        "Can't parse entities",
    ),
    (
        "replying to a message that does not exist",
        lambda bot, chat: bot.send_message(chat, "Hi", reply_to_message_id=9999),
        "Message to be replied not found",
    ),
    (
        "deleting a message that does not exist",
        lambda bot, chat: bot.delete_message(chat, 9999),
        "Message to delete not found",
    ),
    (
        "answering an unknown button press",
        lambda bot, chat: bot.answer_callback_query("123"),
        "Query is too old",
    ),
]


@pytest.mark.parametrize(
    ("case", "call", "message"), BAD_REQUESTS, ids=[c[0] for c in BAD_REQUESTS]
)
async def test_a_bad_request_raises_ptbs_bad_request(
    bot: telegram.Bot, patient: SandboxUser, case: str, call: Call, message: str
) -> None:
    with pytest.raises(telegram.error.BadRequest, match=message):
        await call(bot, patient.chat_id)


async def test_a_text_of_exactly_4096_characters_is_accepted(
    bot: telegram.Bot, patient: SandboxUser
) -> None:
    sent = await bot.send_message(patient.chat_id, "a" * 4096)
    assert sent.text is not None and len(sent.text) == 4096


async def test_editing_with_the_same_content_is_not_modified(
    bot: telegram.Bot, patient: SandboxUser
) -> None:
    sent = await bot.send_message(patient.chat_id, "Same")
    with pytest.raises(telegram.error.BadRequest, match="Message is not modified"):
        await bot.edit_message_text("Same", patient.chat_id, sent.message_id)


async def test_writing_to_someone_who_never_started_the_bot_is_forbidden(
    bot: telegram.Bot, sandbox: Sandbox
) -> None:
    stranger = await sandbox.client.create_user("Sam")
    with pytest.raises(telegram.error.Forbidden, match="bot can't initiate conversation"):
        await bot.send_message(stranger.chat_id, "Hello")


async def test_writing_to_someone_who_blocked_the_bot_is_forbidden(
    bot: telegram.Bot, sandbox: Sandbox, patient: SandboxUser
) -> None:
    await sandbox.client.block(patient.id)
    with pytest.raises(telegram.error.Forbidden, match="bot was blocked by the user"):
        await bot.send_message(patient.chat_id, "Hello")


async def test_polling_while_a_webhook_is_set_is_a_conflict(bot: telegram.Bot) -> None:
    await bot.set_webhook("http://127.0.0.1:9/hook")
    with pytest.raises(telegram.error.Conflict, match="webhook is active"):
        await bot.get_updates()


async def test_a_refusal_has_telegrams_exact_json_shape(
    sandbox: Sandbox, patient: SandboxUser
) -> None:
    url = f"{sandbox.bot_api_url}{sandbox.token}/sendMessage"
    body = {"chat_id": UNKNOWN_CHAT, "text": "Hi"}
    async with aiohttp.ClientSession() as session, session.post(url, json=body) as response:
        status, answer = response.status, await response.json()
    assert status == 400
    assert answer == {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
