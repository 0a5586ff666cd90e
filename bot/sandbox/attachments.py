"""What a user sends besides text: photos, files, stickers, voice, places, contacts; and
editing what they sent.

Each kind becomes the Telegram object a real client would send (``photo`` as sizes,
``sticker``, ``voice``, ``location``, ``contact``, ...), with made-up file ids: the bot
never downloads user files here (``getFile`` is not implemented). A caption carries the
words, as in Telegram, on the kinds that have one.
"""

from __future__ import annotations

import hashlib
from typing import Any

from bot.sandbox import objects
from bot.sandbox.errors import invalid, not_found
from bot.sandbox.formatting import command_entities, utf16_len
from bot.sandbox.people import Sent, room_for_user, user_of
from bot.sandbox.state import BotWorld, StoredMessage, Version
from bot.sandbox.validation import MAX_CAPTION_LENGTH, MAX_TEXT_LENGTH

CAPTIONED = ("photo", "video", "document", "animation", "audio", "voice")
KINDS = (*CAPTIONED, "video_note", "sticker", "location", "contact")


def _file(world: BotWorld, kind: str) -> dict[str, str]:
    number = world.ids.file_number()
    unique = hashlib.sha256(f"user:{world.bot_id}:{number}".encode()).hexdigest()[:16]
    return {"file_id": f"U{kind[:2].upper()}{world.bot_id}-{number}", "file_unique_id": unique}


OPTIONS = {
    "sticker": {"emoji"},
    "location": {"latitude", "longitude"},
    "contact": {"phone_number", "first_name"},
    "document": {"file_name"},
    "voice": {"duration"},
    "video_note": {"duration"},
    "audio": {"duration"},
    "video": {"duration"},
    "animation": {"duration"},
}


def _options(kind: str, options: dict[str, Any]) -> dict[str, Any]:
    allowed = OPTIONS.get(kind, set())
    unknown = sorted(set(options) - allowed)
    if unknown:
        raise invalid(f"{kind} does not take {', '.join(unknown)}")
    return options


def telegram_fields(world: BotWorld, kind: str, options: dict[str, Any]) -> dict[str, Any]:
    """The Message fields a Telegram client sends for ``kind``."""
    if kind not in KINDS:
        raise invalid(f"kind must be one of {', '.join(KINDS)}")
    given = _options(kind, options)
    seconds = int(given.get("duration", 3))
    if kind == "photo":
        return {"photo": [{**_file(world, kind), "width": 640, "height": 480, "file_size": 1}]}
    if kind == "sticker":
        sticker = {
            **_file(world, kind),
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": str(given.get("emoji", "🙂")),
        }
        return {"sticker": sticker}
    if kind in ("voice", "audio"):
        mime = "audio/ogg" if kind == "voice" else "audio/mpeg"
        return {kind: {**_file(world, kind), "duration": seconds, "mime_type": mime}}
    if kind == "video_note":
        return {"video_note": {**_file(world, kind), "length": 240, "duration": seconds}}
    if kind in ("video", "animation"):
        body = {**_file(world, kind), "width": 320, "height": 240, "duration": seconds}
        if kind == "animation":
            return {"animation": body, "document": {**body, "mime_type": "video/mp4"}}
        return {"video": body}
    if kind == "document":
        name = str(given.get("file_name", "notes.pdf"))
        return {"document": {**_file(world, kind), "file_name": name, "mime_type": _mime(name)}}
    if kind == "location":
        try:
            latitude = float(given.get("latitude", 40.7128))
            longitude = float(given.get("longitude", -74.006))
        except (TypeError, ValueError):
            raise invalid("latitude and longitude must be numbers") from None
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise invalid("latitude must be -90..90 and longitude -180..180")
        return {"location": {"latitude": latitude, "longitude": longitude}}
    return {
        "contact": {
            "phone_number": str(given.get("phone_number", "+1 555 0100")),
            "first_name": str(given.get("first_name", "Sam")),
        }
    }


def _mime(file_name: str) -> str:
    ending = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    return {"pdf": "application/pdf", "txt": "text/plain", "jpg": "image/jpeg"}.get(
        ending, "application/octet-stream"
    )


def send_attachment(
    world: BotWorld,
    user_id: int,
    kind: str,
    *,
    caption: str | None = None,
    chat_id: int | None = None,
    options: dict[str, Any] | None = None,
) -> Sent:
    """The user sends a photo, a sticker, a voice note...; ``caption`` where one is allowed."""
    person = user_of(world, user_id)
    room = room_for_user(world, person, chat_id)
    fields = telegram_fields(world, kind, options or {})
    if caption is not None and kind not in CAPTIONED:
        raise invalid(f"a {kind} has no caption in Telegram")
    if caption is not None and utf16_len(caption) > MAX_CAPTION_LENGTH:
        raise invalid("caption is longer than 1024 characters")
    if not room.is_group:
        person.started = True
    stored = StoredMessage(
        message_id=room.new_message_id(),
        chat_id=room.id,
        sender_id=person.id,
        from_bot=False,
        date=world.now(),
        text=caption or None,
        is_caption=bool(caption),
        attachment=fields,
        attachment_kind=kind,
    )
    room.messages[stored.message_id] = stored
    update_id = world.add_update("message", objects.message(world, stored))
    return Sent(update_id, stored.message_id)


def edit_message(
    world: BotWorld, user_id: int, message_id: int, text: str, *, chat_id: int | None = None
) -> Sent:
    """The user edits the text (or caption) of a message they sent: an ``edited_message``."""
    person = user_of(world, user_id)
    room = room_for_user(world, person, chat_id)
    stored = room.messages.get(message_id)
    if stored is None or stored.deleted or stored.from_bot or stored.sender_id != person.id:
        raise not_found(f"message {message_id} of that user in that chat")
    if stored.text is None:
        raise invalid(f"message {message_id} has no text or caption to edit")
    if not text.strip():
        raise invalid("text is empty")
    if utf16_len(text) > (MAX_CAPTION_LENGTH if stored.is_caption else MAX_TEXT_LENGTH):
        raise invalid("the edited text is too long")
    if text == stored.text:
        raise invalid("the message is not modified")
    stored.history.append(Version(stored.text, None, None, None, stored.edit_date or stored.date))
    stored.text = text
    stored.entities = [] if stored.is_caption else command_entities(text)
    stored.edit_date = world.now()
    update_id = world.add_update("edited_message", objects.message(world, stored))
    return Sent(update_id, stored.message_id)
