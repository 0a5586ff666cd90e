"""The Bot API endpoint: ``/bot<token>/<method>``, answered in Telegram's exact shape."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.sandbox import editing, objects, polling, sending
from bot.sandbox.errors import ApiError
from bot.sandbox.faults import FaultKind, FaultRule, Phase
from bot.sandbox.params import Params, read_params
from bot.sandbox.registry import Registry, is_token
from bot.sandbox.state import BotWorld

Method = Callable[[BotWorld, Params], Awaitable[Any]]
REGISTRY = web.AppKey("registry", Registry)
COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
BAD_GATEWAY_HTML = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)


async def get_me(world: BotWorld, params: Params) -> dict[str, Any]:
    return objects.get_me(world)


async def harmless(world: BotWorld, params: Params) -> bool:
    return True


def _commands_key(params: Params) -> str:
    scope = params.json("scope") or {"type": "default"}
    return f"{json.dumps(scope, sort_keys=True)}|{params.text('language_code') or ''}"


async def set_my_commands(world: BotWorld, params: Params) -> bool:
    commands = params.json("commands")
    if not isinstance(commands, list):
        raise ApiError.bad_request('parameter "commands" is required')
    clean: list[dict[str, Any]] = []
    for command in commands:
        if not isinstance(command, dict):
            raise ApiError.bad_request("can't parse BotCommand: BotCommand must be an Object")
        name = str(command.get("command", "")).removeprefix("/")
        description = str(command.get("description", ""))
        if not COMMAND_NAME.fullmatch(name):
            raise ApiError.bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise ApiError.bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        clean.append({"command": name, "description": description})
    world.commands[_commands_key(params)] = clean
    return True


async def get_my_commands(world: BotWorld, params: Params) -> list[dict[str, Any]]:
    return world.commands.get(_commands_key(params), [])


async def delete_my_commands(world: BotWorld, params: Params) -> bool:
    world.commands.pop(_commands_key(params), None)
    return True


METHODS: dict[str, Method] = {
    "getMe": get_me,
    "getUpdates": polling.get_updates,
    "setWebhook": polling.set_webhook,
    "deleteWebhook": polling.delete_webhook,
    "getWebhookInfo": polling.get_webhook_info,
    "sendMessage": sending.send_message,
    "sendPhoto": sending.send_photo,
    "sendDocument": sending.send_document,
    "sendChatAction": sending.send_chat_action,
    "editMessageText": editing.edit_message_text,
    "editMessageCaption": editing.edit_message_caption,
    "editMessageReplyMarkup": editing.edit_message_reply_markup,
    "deleteMessage": editing.delete_message,
    "answerCallbackQuery": editing.answer_callback_query,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "close": harmless,
    "logOut": harmless,
}
CANONICAL = {name.lower(): name for name in METHODS}


async def handle_bot_api(request: web.Request) -> web.StreamResponse:
    token = request.match_info["token"]
    canonical = CANONICAL.get(request.match_info["method"].lower())
    if not is_token(token):
        return _json(404, ApiError(404, "Not Found").to_json())
    world = request.app[REGISTRY].bot(token)
    if canonical is None:
        return _answer(world, ApiError(404, "Not Found"))
    world.stats.calls[canonical] += 1
    try:
        params = await read_params(request)
        rule = world.faults.pick(canonical, params.peek_chat_id())
        if rule is not None:
            world.stats.faults_injected[rule.kind.value] += 1
            if rule.phase is Phase.BEFORE:
                await _fail_before(request, rule)
        result = await METHODS[canonical](world, params)
    except ApiError as exc:
        return _answer(world, exc)
    except _ServerFault as fault:
        world.stats.count_response(fault.response.status)
        return fault.response
    if rule is not None and rule.phase is Phase.AFTER:
        await _fail_after(request, rule)
    world.stats.count_response(200)
    return _json(200, {"ok": True, "result": result})


class _ServerFault(Exception):
    def __init__(self, response: web.Response) -> None:
        super().__init__(response.status)
        self.response = response


async def _fail_before(request: web.Request, rule: FaultRule) -> None:
    """Carry out a fault before the method runs (slow faults then let it run)."""
    if rule.kind is FaultKind.TOO_MANY_REQUESTS:
        raise ApiError.too_many_requests(rule.retry_after)
    if rule.kind is FaultKind.SERVER_ERROR:
        raise ApiError(500, "Internal Server Error")
    if rule.kind is FaultKind.FORBIDDEN:
        raise ApiError(403, rule.description)
    if rule.kind is FaultKind.BAD_GATEWAY:
        raise _ServerFault(
            web.Response(status=502, text=BAD_GATEWAY_HTML, content_type="text/html")
        )
    if rule.kind is FaultKind.DROP:
        _drop(request)
    await asyncio.sleep(rule.delay)


async def _fail_after(request: web.Request, rule: FaultRule) -> None:
    if rule.kind is FaultKind.DROP:
        _drop(request)
    await asyncio.sleep(rule.delay)


def _drop(request: web.Request) -> None:
    """Close the connection without an answer (the client sees a protocol error)."""
    if request.transport is not None:
        request.transport.close()
    raise asyncio.CancelledError


def _answer(world: BotWorld, error: ApiError) -> web.Response:
    world.stats.count_response(error.code)
    return _json(error.code, error.to_json())


def _json(status: int, body: dict[str, Any]) -> web.Response:
    return web.json_response(body, status=status)
