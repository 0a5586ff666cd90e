"""Checks shared by Bot API methods, each failing with Telegram's own error."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.sandbox.errors import ApiError
from bot.sandbox.formatting import EntityParseError, Rendered, render, utf16_len
from bot.sandbox.params import Params
from bot.sandbox.state import BotWorld, Chat, StoredMessage

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
PARSE_MODES = frozenset({"html", "markdown", "markdownv2"})


@dataclass(frozen=True)
class Text:
    rendered: Rendered
    source: str
    parse_mode: str | None


def known_chat(world: BotWorld, params: Params) -> Chat:
    """The chat named by ``chat_id``, which the bot must know."""
    chat_id = params.chat_id()
    if chat_id is None:
        raise ApiError.bad_request("chat_id is empty")
    room = world.chats.get(chat_id)
    if room is None:
        raise ApiError.bad_request("chat not found")
    return room


def writable_chat(world: BotWorld, params: Params) -> Chat:
    """A chat the bot may write to: a group it is in, or a private chat the user opened."""
    room = known_chat(world, params)
    if not room.is_group:
        person = world.users[room.id]
        if person.blocked:
            raise ApiError.forbidden("bot was blocked by the user")
        if not person.started:
            raise ApiError.forbidden("bot can't initiate conversation with a user")
    return room


def bot_message(room: Chat, params: Params, missing: str) -> StoredMessage:
    """The bot's own, not deleted message named by ``message_id``."""
    message_id = params.integer("message_id")
    if message_id is None:
        raise ApiError.bad_request("message identifier is not specified")
    stored = room.messages.get(message_id)
    if stored is None or stored.deleted:
        raise ApiError.bad_request(missing)
    if not stored.from_bot:
        raise ApiError.bad_request("message can't be edited")
    return stored


def message_text(params: Params) -> Text:
    """The ``text`` of a message, rendered; empty or too long texts are refused."""
    text = read_formatted(params, "text", "parse_mode", "entities")
    if text is None or not text.rendered.text.strip():
        raise ApiError.bad_request("message text is empty")
    if utf16_len(text.rendered.text) > MAX_TEXT_LENGTH:
        raise ApiError.bad_request("message is too long")
    return text


def caption(params: Params) -> Text | None:
    text = read_formatted(params, "caption", "parse_mode", "caption_entities")
    if text is None or not text.rendered.text.strip():
        return None
    if utf16_len(text.rendered.text) > MAX_CAPTION_LENGTH:
        raise ApiError.bad_request("message caption is too long")
    return text


def read_formatted(params: Params, name: str, mode_name: str, entities_name: str) -> Text | None:
    source = params.text(name)
    if source is None:
        return None
    parse_mode = params.text(mode_name) or None
    if parse_mode is not None and parse_mode.lower() not in PARSE_MODES:
        raise ApiError.bad_request(f"unsupported parse_mode {parse_mode}")
    if parse_mode is None:
        return Text(Rendered(source, _entities(params, entities_name)), source, None)
    try:
        rendered = render(source, parse_mode)
    except EntityParseError as exc:
        raise ApiError.bad_request(f"can't parse entities: {exc}") from None
    return Text(rendered, source, parse_mode)


def _entities(params: Params, name: str) -> list[dict[str, Any]]:
    value = params.json(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
        raise ApiError.bad_request(f"can't parse {name} JSON object")
    return value


def reply_target(params: Params, room: Chat) -> int | None:
    """The message this one replies to, from ``reply_parameters`` or ``reply_to_message_id``."""
    allow_without = params.boolean("allow_sending_without_reply")
    reply = params.json("reply_parameters")
    message_id: Any = None
    if isinstance(reply, dict):
        message_id = reply.get("message_id")
        allow_without = bool(reply.get("allow_sending_without_reply", allow_without))
    elif reply is not None:
        raise ApiError.bad_request("can't parse reply parameters JSON object")
    elif params.has("reply_to_message_id"):
        message_id = params.integer("reply_to_message_id")
    if message_id is None:
        return None
    if not isinstance(message_id, int) or isinstance(message_id, bool):
        raise ApiError.bad_request("message to be replied not found")
    target = room.messages.get(message_id)
    if target is None or target.deleted:
        if allow_without:
            return None
        raise ApiError.bad_request("message to be replied not found")
    return message_id
