"""Telegram JSON objects (User, Chat, Message, ...) built from sandbox state."""

from __future__ import annotations

import hashlib
from typing import Any

from bot.sandbox.state import BOT_FIRST_NAME, BotWorld, Chat, StoredFile, StoredMessage, User


def bot_user(world: BotWorld) -> dict[str, Any]:
    return {
        "id": world.bot_id,
        "is_bot": True,
        "first_name": BOT_FIRST_NAME,
        "username": world.username,
    }


def get_me(world: BotWorld) -> dict[str, Any]:
    return {
        **bot_user(world),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def user(person: User) -> dict[str, Any]:
    body: dict[str, Any] = {"id": person.id, "is_bot": False, "first_name": person.first_name}
    if person.username:
        body["username"] = person.username
    body["language_code"] = person.language_code
    return body


def chat(world: BotWorld, room: Chat) -> dict[str, Any]:
    if room.is_group:
        return {"id": room.id, "title": room.title, "type": "group"}
    person = world.users[room.id]
    body: dict[str, Any] = {"id": room.id, "first_name": person.first_name, "type": "private"}
    if person.username:
        body["username"] = person.username
    return body


def chat_instance(world: BotWorld, chat_id: int) -> str:
    digest = hashlib.sha256(f"{world.bot_id}:{chat_id}".encode()).digest()
    return str(int.from_bytes(digest[:8], "big", signed=True))


def photo_sizes(stored: StoredFile) -> list[dict[str, Any]]:
    return [
        {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "width": stored.width,
            "height": stored.height,
            "file_size": len(stored.data),
        }
    ]


def document(stored: StoredFile) -> dict[str, Any]:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_name": stored.file_name,
        "mime_type": stored.mime_type,
        "file_size": len(stored.data),
    }


def message(world: BotWorld, stored: StoredMessage, *, with_reply: bool = True) -> dict[str, Any]:
    room = world.chats[stored.chat_id]
    sender = bot_user(world) if stored.from_bot else user(world.users[stored.sender_id])
    body: dict[str, Any] = {
        "message_id": stored.message_id,
        "from": sender,
        "chat": chat(world, room),
        "date": int(stored.date),
    }
    if stored.edit_date is not None:
        body["edit_date"] = int(stored.edit_date)
    if stored.protect_content:
        body["has_protected_content"] = True
    replied = room.messages.get(stored.reply_to_message_id or 0)
    if with_reply and replied is not None and not replied.deleted:
        body["reply_to_message"] = message(world, replied, with_reply=False)
    if stored.photo is not None:
        body["photo"] = photo_sizes(stored.photo)
    if stored.document is not None:
        body["document"] = document(stored.document)
    if stored.text is not None:
        key = "caption" if stored.is_caption else "text"
        body[key] = stored.text
        if stored.entities:
            body["caption_entities" if stored.is_caption else "entities"] = stored.entities
    if stored.inline_keyboard:
        body["reply_markup"] = {"inline_keyboard": stored.inline_keyboard}
    return body


def bot_member(world: BotWorld, status: str) -> dict[str, Any]:
    member: dict[str, Any] = {"user": bot_user(world), "status": status}
    if status == "kicked":
        member["until_date"] = 0
    return member


def my_chat_member(
    world: BotWorld, room: Chat, by: User, old_status: str, new_status: str, date: float
) -> dict[str, Any]:
    return {
        "chat": chat(world, room),
        "from": user(by),
        "date": int(date),
        "old_chat_member": bot_member(world, old_status),
        "new_chat_member": bot_member(world, new_status),
    }
