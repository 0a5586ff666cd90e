"""Control API: limits, webhook policy, faults, statistics and reset."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.sandbox.botapi import REGISTRY
from bot.sandbox.control import Call, control
from bot.sandbox.errors import invalid
from bot.sandbox.faults import FaultError
from bot.sandbox.limits import LimitSettingsError
from bot.sandbox.webhook_policy import WebhookPolicyError

FAULT_FIELDS = {
    "kind": str,
    "method": str,
    "rate": float,
    "count": int,
    "seed": int,
    "retry_after": int,
    "delay": float,
    "chat_id": int,
    "description": str,
    "phase": str,
}

routes = web.RouteTableDef()


@routes.get("/sandbox/limits")
@control
async def show_limits(call: Call) -> dict[str, Any]:
    return call.world.limiter.settings.to_json()


@routes.put("/sandbox/limits")
@control
async def set_limits(call: Call) -> dict[str, Any]:
    changes = {k: v for k, v in call.body.items() if k != "token"}
    try:
        settings = call.world.limiter.settings.updated(changes)
    except LimitSettingsError as exc:
        raise invalid(str(exc)) from None
    call.world.limiter.configure(settings)
    return settings.to_json()


@routes.get("/sandbox/webhook-policy")
@control
async def show_webhook_policy(call: Call) -> dict[str, Any]:
    return call.world.webhook_policy.to_json()


@routes.put("/sandbox/webhook-policy")
@control
async def set_webhook_policy(call: Call) -> dict[str, Any]:
    changes = {k: v for k, v in call.body.items() if k != "token"}
    try:
        call.world.webhook_policy = call.world.webhook_policy.updated(changes)
    except WebhookPolicyError as exc:
        raise invalid(str(exc)) from None
    return call.world.webhook_policy.to_json()


@routes.get("/sandbox/faults")
@control
async def show_faults(call: Call) -> dict[str, Any]:
    return {"faults": [rule.to_json() for rule in call.world.faults.rules]}


@routes.post("/sandbox/faults")
@control
async def add_fault(call: Call) -> dict[str, Any]:
    unknown = sorted(set(call.body) - set(FAULT_FIELDS) - {"token"})
    if unknown:
        raise invalid(f"unknown fault settings: {', '.join(unknown)}")
    settings = {
        name: call.get(name, kind) for name, kind in FAULT_FIELDS.items() if name in call.body
    }
    try:
        rule = call.world.faults.add(**settings)
    except FaultError as exc:
        raise invalid(str(exc)) from None
    return rule.to_json()


@routes.delete("/sandbox/faults")
@control
async def clear_faults(call: Call) -> dict[str, Any]:
    call.world.faults.clear()
    return {"ok": True}


@routes.get("/sandbox/stats")
@control
async def stats(call: Call) -> dict[str, Any]:
    return call.world.stats.to_json()


@routes.post("/sandbox/reset")
@control
async def reset(call: Call) -> dict[str, Any]:
    token = call.body.get("token", call.request.query.get("token"))
    await call.request.app[REGISTRY].reset(token or None)
    return {"ok": True}
