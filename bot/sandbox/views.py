"""JSON the control API shows: what the bot sent, with everything a test needs to check."""

from __future__ import annotations

from typing import Any

from bot.sandbox.state import CallbackQuery, StoredFile, StoredMessage, User


def user_view(person: User) -> dict[str, Any]:
    return {
        "id": person.id,
        "chat_id": person.id,
        "first_name": person.first_name,
        "username": person.username,
        "language_code": person.language_code,
        "started": person.started,
        "blocked": person.blocked,
    }


def file_view(stored: StoredFile | None) -> dict[str, Any] | None:
    if stored is None:
        return None
    return {
        "file_id": stored.file_id,
        "kind": stored.kind,
        "file_name": stored.file_name,
        "mime_type": stored.mime_type,
        "size": len(stored.data),
        "width": stored.width,
        "height": stored.height,
    }


def message_view(stored: StoredMessage) -> dict[str, Any]:
    markup = stored.markup
    return {
        "message_id": stored.message_id,
        "chat_id": stored.chat_id,
        "from_bot": stored.from_bot,
        "sender_id": stored.sender_id,
        "date": int(stored.date),
        "sent_at": stored.date,
        "text": stored.text,
        "source_text": stored.source_text,
        "parse_mode": stored.parse_mode,
        "entities": stored.entities,
        "is_caption": stored.is_caption,
        "buttons": stored.inline_keyboard or [],
        "reply_keyboard": markup.reply_keyboard,
        "remove_keyboard": markup.remove_keyboard,
        "force_reply": markup.force_reply,
        "protect_content": stored.protect_content,
        "disable_notification": stored.disable_notification,
        "reply_to_message_id": stored.reply_to_message_id,
        "photo": file_view(stored.photo),
        "document": file_view(stored.document),
        "versions": [
            {
                "text": version.text,
                "source_text": version.source_text,
                "parse_mode": version.parse_mode,
                "buttons": version.inline_keyboard or [],
                "date": version.date,
            }
            for version in stored.history
        ],
        "edit_date": stored.edit_date,
        "deleted": stored.deleted,
    }


def callback_view(query: CallbackQuery) -> dict[str, Any]:
    return {
        "callback_query_id": query.id,
        "update_id": query.update_id,
        "user_id": query.user_id,
        "chat_id": query.chat_id,
        "message_id": query.message_id,
        "data": query.data,
        "pressed_at": query.pressed_at,
        "answered": query.answered,
        "text": query.text,
        "show_alert": query.show_alert,
        "url": query.url,
        "answered_at": query.answered_at,
    }
