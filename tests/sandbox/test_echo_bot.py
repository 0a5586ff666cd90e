"""A complete python-telegram-bot application runs against the sandbox, changing only base_url."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.sandbox.testing import Sandbox, eventually, polling


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    payload = " ".join(context.args or []) or "none"
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Ping", callback_data="ping")]])
    await update.message.reply_text(f"Welcome (from {payload})", reply_markup=keyboard)


async def ping(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("pong")
    await query.edit_message_text("Pinged")


@pytest.fixture
async def echo_bot(sandbox: Sandbox) -> AsyncIterator[None]:
    """The bot runs with long polling, as in production, pointed at the sandbox."""
    application = Application.builder().token(sandbox.token).base_url(sandbox.bot_api_url).build()
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(ping, pattern="^ping$"))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    async with polling(application):
        yield


@pytest.mark.usefixtures("echo_bot")
async def test_the_echo_bot_replies_with_the_same_text(sandbox: Sandbox) -> None:
    person = await sandbox.client.create_user("Mira")
    await sandbox.client.send_text(person.id, "I made it through today")
    reply = await sandbox.client.wait_for_message(person.chat_id)
    assert reply.text == "I made it through today"


@pytest.mark.usefixtures("echo_bot")
async def test_a_deep_link_start_reaches_the_command_handler_with_its_payload(
    sandbox: Sandbox,
) -> None:
    person = await sandbox.client.create_user("Mira")
    await sandbox.client.start_bot(person.id, payload="invite-7Q2")
    welcome = await sandbox.client.wait_for_message(person.chat_id)
    assert welcome.text == "Welcome (from invite-7Q2)"


@pytest.mark.usefixtures("echo_bot")
async def test_a_button_press_is_answered_and_the_message_edited(sandbox: Sandbox) -> None:
    person = await sandbox.client.create_user("Mira")
    await sandbox.client.start_bot(person.id)
    welcome = await sandbox.client.wait_for_message(person.chat_id)
    update_id = await sandbox.client.press(person.id, welcome, "Ping")
    answer = await sandbox.client.wait_for_callback_answer(update_id)
    assert answer.text == "pong"
    world = sandbox.server.registry.bot(sandbox.token)
    await eventually(lambda: world.chats[person.chat_id].messages[welcome.message_id].history)
    [edited] = await sandbox.client.messages(person.chat_id)
    assert (edited.text, edited.edits) == ("Pinged", ["Welcome (from none)"])


@pytest.mark.usefixtures("echo_bot")
async def test_the_bot_confirms_what_it_received_on_its_next_poll(sandbox: Sandbox) -> None:
    person = await sandbox.client.create_user("Mira")
    for text in ("one", "two"):
        await sandbox.client.send_text(person.id, text)
        await sandbox.client.wait_for_message(person.chat_id)
    world = sandbox.server.registry.bot(sandbox.token)
    await eventually(lambda: not world.updates)
    assert (await sandbox.client.stats())["calls"]["sendMessage"] == 2
