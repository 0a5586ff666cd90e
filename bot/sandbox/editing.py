"""Bot API methods that change what was sent: edits, deletions, callback answers.

Edits do not count toward the flood limits in this model (Telegram's are unpublished).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.sandbox import objects
from bot.sandbox.errors import ApiError
from bot.sandbox.markup import InlineKeyboard, read_markup
from bot.sandbox.params import Params
from bot.sandbox.state import BotWorld, StoredMessage, Version
from bot.sandbox.validation import (
    Text,
    bot_message,
    caption,
    known_chat,
    message_text,
    writable_chat,
)

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
MAX_CALLBACK_ANSWER_LENGTH = 200


async def edit_message_text(world: BotWorld, params: Params) -> dict[str, Any]:
    stored = _editable(world, params)
    if stored.is_caption:
        raise ApiError.bad_request("there is no text in the message to edit")
    text = message_text(params)
    _apply_edit(world, stored, text, _inline_keyboard(params))
    return objects.message(world, stored)


async def edit_message_caption(world: BotWorld, params: Params) -> dict[str, Any]:
    stored = _editable(world, params)
    if not stored.is_caption:
        raise ApiError.bad_request("there is no caption in the message to edit")
    _apply_edit(world, stored, caption(params), _inline_keyboard(params))
    return objects.message(world, stored)


async def edit_message_reply_markup(world: BotWorld, params: Params) -> dict[str, Any]:
    stored = _editable(world, params)
    keyboard = _inline_keyboard(params)
    if keyboard == stored.inline_keyboard:
        raise ApiError.bad_request(NOT_MODIFIED)
    _remember(world, stored)
    stored.markup = replace(stored.markup, inline_keyboard=keyboard)
    world.bot_acted.notify()
    return objects.message(world, stored)


async def delete_message(world: BotWorld, params: Params) -> bool:
    room = known_chat(world, params)
    message_id = params.integer("message_id")
    stored = room.messages.get(message_id or 0)
    if stored is None or stored.deleted:
        raise ApiError.bad_request("message to delete not found")
    stored.deleted = True
    world.bot_acted.notify()
    return True


async def answer_callback_query(world: BotWorld, params: Params) -> bool:
    query = world.callbacks.get(params.text("callback_query_id") or "")
    if query is None or query.answered:
        raise ApiError.bad_request(QUERY_INVALID)
    text = params.text("text")
    if text is not None and len(text) > MAX_CALLBACK_ANSWER_LENGTH:
        raise ApiError.bad_request("MESSAGE_TOO_LONG")
    query.answered = True
    query.text = text
    query.show_alert = params.boolean("show_alert")
    query.url = params.text("url")
    query.answered_at = world.now()
    world.bot_acted.notify()
    return True


def _editable(world: BotWorld, params: Params) -> StoredMessage:
    if params.has("inline_message_id"):
        raise ApiError.bad_request("MESSAGE_ID_INVALID")
    room = writable_chat(world, params)
    return bot_message(room, params, "message to edit not found")


def _inline_keyboard(params: Params) -> InlineKeyboard | None:
    markup = read_markup(params.json("reply_markup"))
    if markup.reply_keyboard is not None or markup.remove_keyboard or markup.force_reply:
        raise ApiError.bad_request("inline keyboard expected")
    return markup.inline_keyboard or None


def _apply_edit(
    world: BotWorld, stored: StoredMessage, text: Text | None, keyboard: InlineKeyboard | None
) -> None:
    new_text = text.rendered.text if text else None
    new_entities = text.rendered.entities if text else []
    if (new_text, new_entities, keyboard) == (stored.text, stored.entities, stored.inline_keyboard):
        raise ApiError.bad_request(NOT_MODIFIED)
    _remember(world, stored)
    stored.text = new_text
    stored.entities = new_entities
    stored.source_text = text.source if text else None
    stored.parse_mode = text.parse_mode if text else None
    stored.markup = replace(stored.markup, inline_keyboard=keyboard)
    world.bot_acted.notify()


def _remember(world: BotWorld, stored: StoredMessage) -> None:
    stored.history.append(
        Version(
            text=stored.text,
            source_text=stored.source_text,
            parse_mode=stored.parse_mode,
            inline_keyboard=stored.inline_keyboard,
            date=stored.edit_date or stored.date,
        )
    )
    stored.edit_date = world.now()
