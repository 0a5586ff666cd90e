"""The control API (``/sandbox/...``): play users, read what the bot sent, set limits/faults.

Requests and answers are JSON. Every request may name a bot with ``token`` (in the body or
the query string); without it the sandbox's default bot is meant. Errors answer
``{"ok": false, "error": "..."}`` with a 4xx status. This module holds the request
plumbing and the people routes; ``control_reading`` and ``control_settings`` hold the rest.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.sandbox import people
from bot.sandbox.botapi import REGISTRY
from bot.sandbox.errors import ControlError, invalid
from bot.sandbox.state import BotWorld
from bot.sandbox.views import user_view

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
MAX_WAIT_SECONDS = 60.0

routes = web.RouteTableDef()


class Call:
    """One control request: its JSON body, query string and the bot it is about."""

    def __init__(self, request: web.Request, body: dict[str, Any]) -> None:
        self.request = request
        self.body = body
        token = body.get("token", request.query.get("token"))
        self.world: BotWorld = request.app[REGISTRY].resolve(token)

    def get(self, name: str, kind: type, *, required: bool = False, default: Any = None) -> Any:
        value = self.body.get(name, self.request.query.get(name))
        if value is None or value == "":
            if required:
                raise invalid(f"{name} is required")
            return default
        try:
            if kind is bool and isinstance(value, str):
                return value.lower() in ("1", "true", "yes")
            if kind is int and isinstance(value, float) and not value.is_integer():
                raise ValueError(value)
            return kind(value)
        except (TypeError, ValueError):
            raise invalid(f"{name} must be {kind.__name__}") from None

    def path_int(self, name: str) -> int:
        try:
            return int(self.request.match_info[name])
        except ValueError:
            raise invalid(f"{name} must be a number") from None


def control(handler: Callable[[Call], Awaitable[Any]]) -> Handler:
    """Decode the body, run the handler, answer its result (or the error) as JSON."""

    @functools.wraps(handler)
    async def run(request: web.Request) -> web.StreamResponse:
        try:
            body: Any = {}
            if request.can_read_body:
                try:
                    body = await request.json()
                except ValueError:
                    raise invalid("the body must be a JSON object") from None
            if not isinstance(body, dict):
                raise invalid("the body must be a JSON object")
            result = await handler(Call(request, body))
        except ControlError as exc:
            return web.json_response({"ok": False, "error": exc.message}, status=exc.status)
        if isinstance(result, web.StreamResponse):
            return result
        return web.json_response(result)

    return run


@routes.get("/sandbox/health")
@control
async def health(call: Call) -> dict[str, Any]:
    return {"ok": True, "default_token": call.request.app[REGISTRY].default_token}


@routes.post("/sandbox/users")
@control
async def create_user(call: Call) -> dict[str, Any]:
    person = people.create_user(
        call.world,
        call.get("first_name", str, required=True),
        call.get("username", str),
        call.get("language_code", str, default="en"),
    )
    return user_view(person)


@routes.get("/sandbox/users/{user_id}")
@control
async def show_user(call: Call) -> dict[str, Any]:
    return user_view(people.user_of(call.world, call.path_int("user_id")))


@routes.post("/sandbox/groups")
@control
async def create_group(call: Call) -> dict[str, Any]:
    members = call.body.get("member_ids")
    if not isinstance(members, list) or not all(isinstance(m, int) for m in members):
        raise invalid("member_ids must be a list of user ids")
    group = people.create_group(call.world, call.get("title", str, required=True), members)
    return {"chat_id": group.id, "title": group.title, "member_ids": group.member_ids}


@routes.post("/sandbox/users/{user_id}/start")
@control
async def start_bot(call: Call) -> dict[str, Any]:
    sent = people.start_bot(call.world, call.path_int("user_id"), call.get("payload", str))
    return {"update_id": sent.update_id, "message_id": sent.message_id}


@routes.post("/sandbox/users/{user_id}/messages")
@control
async def send_text(call: Call) -> dict[str, Any]:
    sent = people.send_text(
        call.world,
        call.path_int("user_id"),
        call.get("text", str, required=True),
        call.get("chat_id", int),
    )
    return {"update_id": sent.update_id, "message_id": sent.message_id}


@routes.post("/sandbox/users/{user_id}/presses")
@control
async def press_button(call: Call) -> dict[str, Any]:
    query = people.press_button(
        call.world,
        call.path_int("user_id"),
        call.get("message_id", int, required=True),
        call.get("data", str, required=True),
        chat_id=call.get("chat_id", int),
        force=call.get("force", bool, default=False),
    )
    return {"update_id": query.update_id, "callback_query_id": query.id}


@routes.post("/sandbox/users/{user_id}/block")
@control
async def block(call: Call) -> dict[str, Any]:
    return {"update_id": people.block(call.world, call.path_int("user_id"))}


@routes.post("/sandbox/users/{user_id}/unblock")
@control
async def unblock(call: Call) -> dict[str, Any]:
    return {"update_id": people.unblock(call.world, call.path_int("user_id"))}
