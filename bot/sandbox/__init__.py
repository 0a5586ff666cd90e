"""A local Telegram Bot API server with Telegram's limits and injectable faults.

python-telegram-bot talks to it through its own HTTP client (``base_url``); tests, the
demo and the benchmarks drive users through the control API (``SandboxClient``).
See docs/sandbox.md.
"""

from __future__ import annotations

from bot.sandbox.client import SandboxClient, SandboxError
from bot.sandbox.limits import LimitSettings
from bot.sandbox.models import Attachment, BotMessage, Button, CallbackAnswer, SandboxUser
from bot.sandbox.registry import DEFAULT_TOKEN
from bot.sandbox.server import SandboxServer, serve_forever
from bot.sandbox.webhook_policy import WebhookPolicy

__all__ = [
    "DEFAULT_TOKEN",
    "Attachment",
    "BotMessage",
    "Button",
    "CallbackAnswer",
    "LimitSettings",
    "SandboxClient",
    "SandboxError",
    "SandboxServer",
    "SandboxUser",
    "WebhookPolicy",
    "serve_forever",
]
