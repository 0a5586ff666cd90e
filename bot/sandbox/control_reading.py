"""Control API: read what the bot did (messages, files, button answers), waiting if asked."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from bot.sandbox.control import MAX_WAIT_SECONDS, Call, control
from bot.sandbox.errors import ControlError, not_found
from bot.sandbox.state import Chat
from bot.sandbox.views import callback_view, message_view

routes = web.RouteTableDef()


@routes.get("/sandbox/chats/{chat_id}/messages")
@control
async def chat_messages(call: Call) -> dict[str, Any]:
    room = _chat(call)
    everyone = call.get("include_user", bool, default=False)
    shown = [m for m in room.messages.values() if m.from_bot or everyone]
    return {"messages": [message_view(m) for m in shown]}


@routes.get("/sandbox/chats/{chat_id}/next")
@control
async def next_message(call: Call) -> dict[str, Any]:
    """The first bot message after ``after_message_id``, waiting up to ``timeout`` seconds."""
    room = _chat(call)
    after = call.get("after_message_id", int, default=0)
    timeout = min(max(call.get("timeout", float, default=5.0), 0.0), MAX_WAIT_SECONDS)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        found = next(
            (m for m in room.messages.values() if m.from_bot and m.message_id > after), None
        )
        if found is not None:
            return {"message": message_view(found)}
        remaining = deadline - loop.time()
        if remaining <= 0 or call.world.closing:
            raise ControlError(408, f"no bot message after {after} within {timeout} s")
        await call.world.bot_acted.wait(remaining)


@routes.get("/sandbox/files/{file_id}")
@control
async def file_bytes(call: Call) -> web.Response:
    stored = call.world.files.get(call.request.match_info["file_id"])
    if stored is None:
        raise not_found("file")
    disposition = f"attachment; filename*=UTF-8''{stored.file_name}"
    return web.Response(
        body=stored.data,
        content_type=stored.mime_type,
        headers={"Content-Disposition": disposition},
    )


@routes.get("/sandbox/callback-answers")
@control
async def callback_answers(call: Call) -> dict[str, Any]:
    filters = {
        "chat_id": call.get("chat_id", int),
        "user_id": call.get("user_id", int),
        "update_id": call.get("update_id", int),
    }
    queries = [
        q
        for q in call.world.callbacks.values()
        if all(value is None or getattr(q, name) == value for name, value in filters.items())
    ]
    return {"answers": [callback_view(q) for q in queries]}


@routes.get("/sandbox/callback-answers/{update_id}")
@control
async def wait_for_callback_answer(call: Call) -> dict[str, Any]:
    """The answer to the press that made update ``update_id``, waiting up to ``timeout``."""
    update_id = call.path_int("update_id")
    query = next((q for q in call.world.callbacks.values() if q.update_id == update_id), None)
    if query is None:
        raise not_found(f"button press with update {update_id}")
    timeout = min(max(call.get("timeout", float, default=5.0), 0.0), MAX_WAIT_SECONDS)
    deadline = asyncio.get_running_loop().time() + timeout
    while not query.answered:
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining <= 0 or call.world.closing:
            raise ControlError(408, f"the press was not answered within {timeout} s")
        await call.world.bot_acted.wait(remaining)
    return callback_view(query)


@routes.get("/sandbox/updates")
@control
async def pending_updates(call: Call) -> dict[str, Any]:
    return {"updates": [u.payload for u in call.world.updates]}


@routes.get("/sandbox/commands")
@control
async def commands(call: Call) -> dict[str, Any]:
    return {"commands": call.world.commands}


def _chat(call: Call) -> Chat:
    chat_id = call.path_int("chat_id")
    room = call.world.chats.get(chat_id)
    if room is None:
        raise not_found(f"chat {chat_id}")
    return room
