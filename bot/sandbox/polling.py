"""Receiving updates: getUpdates (long polling) and the webhook methods."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from bot.sandbox.errors import ApiError
from bot.sandbox.params import Params
from bot.sandbox.state import BotWorld, Webhook
from bot.sandbox.webhook import start_delivery, stop_delivery

WEBHOOK_ACTIVE = (
    "can't use getUpdates method while webhook is active; use deleteWebhook to delete the "
    "webhook first"
)
OTHER_POLL = (
    "terminated by other getUpdates request; make sure that only one bot instance is running"
)
SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
MAX_LIMIT = 100


async def get_updates(world: BotWorld, params: Params) -> list[dict[str, Any]]:
    """Pending updates from ``offset``; waits up to ``timeout`` seconds for one to arrive.

    An update is confirmed (forgotten) by a call with a higher offset. A negative offset
    keeps only the last ``-offset`` updates. A newer call ends an older waiting one with
    409 Conflict, as Telegram does when two instances poll.
    """
    if world.webhook.url:
        raise ApiError.conflict(WEBHOOK_ACTIVE)
    offset = params.integer("offset") or 0
    limit = min(max(params.integer("limit") or MAX_LIMIT, 1), MAX_LIMIT)
    timeout = max(0.0, params.number("timeout") or 0.0)
    world.poll_generation += 1
    generation = world.poll_generation
    world.update_arrived.notify()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        _apply_offset(world, offset)
        if world.updates:
            return [update.payload for update in list(world.updates)[:limit]]
        remaining = deadline - loop.time()
        if remaining <= 0 or world.closing:
            return []
        await world.update_arrived.wait(remaining)
        if world.poll_generation != generation:
            raise ApiError.conflict(OTHER_POLL)
        if world.webhook.url:
            raise ApiError.conflict(WEBHOOK_ACTIVE)


def _apply_offset(world: BotWorld, offset: int) -> None:
    if offset > 0:
        world.confirm_before(offset)
    elif offset < 0:
        while len(world.updates) > -offset:
            world.updates.popleft()


async def set_webhook(world: BotWorld, params: Params) -> bool:
    url = params.text("url") or ""
    if not url:
        await _remove_webhook(world, params)
        return True
    if not url.startswith(("http://", "https://")):
        raise ApiError.bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = params.text("secret_token")
    if secret is not None and not SECRET_TOKEN.fullmatch(secret):
        raise ApiError.bad_request("secret token contains unallowed characters")
    max_connections = params.integer("max_connections") or 40
    if not 1 <= max_connections <= 100:
        raise ApiError.bad_request("bad webhook: max_connections must be between 1 and 100")
    allowed = params.json("allowed_updates")
    await stop_delivery(world)
    if params.boolean("drop_pending_updates"):
        world.updates.clear()
    world.webhook = Webhook(
        url=url,
        secret_token=secret,
        max_connections=max_connections,
        allowed_updates=allowed if isinstance(allowed, list) else None,
    )
    start_delivery(world)
    world.update_arrived.notify()
    return True


async def delete_webhook(world: BotWorld, params: Params) -> bool:
    await _remove_webhook(world, params)
    return True


async def _remove_webhook(world: BotWorld, params: Params) -> None:
    await stop_delivery(world)
    if params.boolean("drop_pending_updates"):
        world.updates.clear()
    world.webhook = Webhook()


async def get_webhook_info(world: BotWorld, params: Params) -> dict[str, Any]:
    hook = world.webhook
    info: dict[str, Any] = {
        "url": hook.url,
        "has_custom_certificate": False,
        "pending_update_count": len(world.updates),
    }
    if hook.url:
        info["max_connections"] = hook.max_connections
        info["ip_address"] = "127.0.0.1"
        if hook.allowed_updates is not None:
            info["allowed_updates"] = hook.allowed_updates
    if hook.last_error_date is not None:
        info["last_error_date"] = hook.last_error_date
        info["last_error_message"] = hook.last_error_message
    return info
