"""Webhook delivery: POST each pending update to the bot, in order, retrying with backoff.

An update leaves the queue only when the webhook answers 2xx. Any other answer, a refused
connection or a timeout is recorded as the webhook's last error and retried after a
growing delay (``WebhookPolicy``); after ``max_attempts`` the update is dropped, as
Telegram gives up "after a reasonable amount of attempts". Updates go one at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

import aiohttp

from bot.sandbox.state import BotWorld

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
IDLE_WAIT = 3600.0

log = logging.getLogger(__name__)


def start_delivery(world: BotWorld) -> None:
    world.webhook_task = asyncio.create_task(_deliver_forever(world))


async def stop_delivery(world: BotWorld) -> None:
    task, world.webhook_task = world.webhook_task, None
    if task is not None and task is not asyncio.current_task():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def close_session(world: BotWorld) -> None:
    session, world.http = world.http, None
    if session is not None:
        await session.close()


async def _deliver_forever(world: BotWorld) -> None:
    attempt = 0
    while True:
        if not world.updates:
            await world.update_arrived.wait(IDLE_WAIT)
            continue
        update = world.updates[0]
        error = await _post(world, update.payload)
        world.stats.webhook_attempted += 1
        if error is None:
            world.stats.webhook_succeeded += 1
            _forget(world, update.update_id)
            attempt = 0
            continue
        world.stats.webhook_failed += 1
        world.webhook.last_error_date = int(world.now())
        world.webhook.last_error_message = error
        attempt += 1
        if attempt >= world.webhook_policy.max_attempts:
            log.info("sandbox webhook gave up on update %s", update.update_id)
            world.stats.webhook_dropped += 1
            _forget(world, update.update_id)
            attempt = 0
            continue
        await asyncio.sleep(world.webhook_policy.delay_after(attempt))


def _forget(world: BotWorld, update_id: int) -> None:
    if world.updates and world.updates[0].update_id == update_id:
        world.updates.popleft()


async def _post(world: BotWorld, payload: dict[str, Any]) -> str | None:
    """Deliver one update; None on success, else Telegram's wording of the failure."""
    if world.http is None:
        world.http = aiohttp.ClientSession()
    headers = {"Content-Type": "application/json"}
    if world.webhook.secret_token:
        headers[SECRET_HEADER] = world.webhook.secret_token
    timeout = aiohttp.ClientTimeout(total=world.webhook_policy.request_timeout)
    try:
        async with world.http.post(
            world.webhook.url,
            data=json.dumps(payload),
            headers=headers,
            timeout=timeout,
            allow_redirects=False,
        ) as response:
            await response.read()
            if 200 <= response.status < 300:
                return None
            return f"Wrong response from the webhook: {response.status} {response.reason}"
    except TimeoutError:
        return "Read timeout expired"
    except aiohttp.ClientConnectorError:
        return "Connection refused"
    except aiohttp.ClientError as exc:
        return f"Connection failed: {type(exc).__name__}"
