"""Bot API methods that send messages: sendMessage, sendPhoto, sendDocument, sendChatAction."""

from __future__ import annotations

import mimetypes
from typing import Any, Literal

from bot.sandbox import objects
from bot.sandbox.errors import ApiError
from bot.sandbox.markup import read_markup
from bot.sandbox.media import NotAnImage, image_size
from bot.sandbox.params import Params, Upload
from bot.sandbox.state import BotWorld, Chat, StoredFile, StoredMessage
from bot.sandbox.validation import Text, caption, message_text, reply_target, writable_chat

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


async def send_message(world: BotWorld, params: Params) -> dict[str, Any]:
    room = writable_chat(world, params)
    text = message_text(params)
    return _send(world, room, params, text)


async def send_photo(world: BotWorld, params: Params) -> dict[str, Any]:
    room = writable_chat(world, params)
    stored = _file(world, params, "photo")
    return _send(world, room, params, caption(params), photo=stored)


async def send_document(world: BotWorld, params: Params) -> dict[str, Any]:
    room = writable_chat(world, params)
    stored = _file(world, params, "document")
    return _send(world, room, params, caption(params), document=stored)


async def send_chat_action(world: BotWorld, params: Params) -> bool:
    writable_chat(world, params)
    if params.text("action") not in CHAT_ACTIONS:
        raise ApiError.bad_request("wrong parameter action in request")
    return True


def _send(
    world: BotWorld,
    room: Chat,
    params: Params,
    text: Text | None,
    *,
    photo: StoredFile | None = None,
    document: StoredFile | None = None,
) -> dict[str, Any]:
    markup = read_markup(params.json("reply_markup"))
    reply_to = reply_target(params, room)
    violation = world.limiter.admit(room.id, room.is_group)
    if violation is not None:
        world.stats.limit_violations[violation.kind] += 1
        raise ApiError.too_many_requests(violation.retry_after)
    attachment = photo or document
    if attachment is not None:
        world.files[attachment.file_id] = attachment
    stored = StoredMessage(
        message_id=room.new_message_id(),
        chat_id=room.id,
        sender_id=world.bot_id,
        from_bot=True,
        date=world.now(),
        text=text.rendered.text if text else None,
        source_text=text.source if text else None,
        parse_mode=text.parse_mode if text else None,
        entities=text.rendered.entities if text else [],
        is_caption=attachment is not None,
        markup=markup,
        protect_content=params.boolean("protect_content"),
        disable_notification=params.boolean("disable_notification"),
        reply_to_message_id=reply_to,
        photo=photo,
        document=document,
    )
    room.messages[stored.message_id] = stored
    world.stats.messages_sent += 1
    world.bot_acted.notify()
    return objects.message(world, stored)


def _file(world: BotWorld, params: Params, kind: Literal["photo", "document"]) -> StoredFile:
    upload = params.upload(kind)
    if upload is not None:
        return _stored_upload(world, upload, kind)
    reference = params.text(kind)
    if not reference:
        raise ApiError.bad_request(f"there is no {kind} in the request")
    if reference.startswith(("http://", "https://")):
        raise ApiError.bad_request("failed to get HTTP URL content")
    known = world.files.get(reference)
    if known is None:
        raise ApiError.bad_request("wrong file identifier/HTTP URL specified")
    if known.kind != kind:
        raise ApiError.bad_request(
            f"can't use file of type {known.kind.capitalize()} as {kind.capitalize()}"
        )
    return known


def _stored_upload(
    world: BotWorld, upload: Upload, kind: Literal["photo", "document"]
) -> StoredFile:
    if not upload.data:
        raise ApiError.bad_request("file must be non-empty")
    limit = MAX_PHOTO_BYTES if kind == "photo" else MAX_DOCUMENT_BYTES
    if len(upload.data) > limit:
        raise ApiError(413, "Request Entity Too Large")
    width = height = 0
    if kind == "photo":
        try:
            width, height = image_size(upload.data)
        except NotAnImage:
            raise ApiError.bad_request("IMAGE_PROCESS_FAILED") from None
    mime_type = upload.content_type
    if mime_type == "application/octet-stream":
        mime_type = mimetypes.guess_type(upload.filename)[0] or mime_type
    number = world.ids.file_number()
    return StoredFile(
        file_id=f"SBX{kind[0].upper()}{world.bot_id}-{number:06d}",
        file_unique_id=f"u{number:06d}",
        kind=kind,
        file_name=upload.filename,
        mime_type=mime_type,
        data=upload.data,
        width=width,
        height=height,
    )
