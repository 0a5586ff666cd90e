"""All the bots the sandbox knows, keyed by token, plus the settings new bots start with."""

from __future__ import annotations

import re
import time

from bot.sandbox.errors import ControlError
from bot.sandbox.limits import Clock, LimitSettings
from bot.sandbox.state import DEFAULT_BOT_USERNAME, BotWorld, IdSource
from bot.sandbox.webhook import close_session, stop_delivery
from bot.sandbox.webhook_policy import WebhookPolicy

TOKEN = re.compile(r"\d+:[A-Za-z0-9_-]{20,}")
DEFAULT_TOKEN = "7000000001:SANDBOX-relapse-companion-demo"  # noqa: S105 - public, fictional


def is_token(value: str) -> bool:
    return TOKEN.fullmatch(value) is not None


class Registry:
    def __init__(
        self,
        default_token: str = DEFAULT_TOKEN,
        limits: LimitSettings | None = None,
        webhook_policy: WebhookPolicy | None = None,
        limit_clock: Clock = time.monotonic,
    ) -> None:
        if not is_token(default_token):
            raise ValueError("the default token must look like 123456:ABC... (20+ characters)")
        self.default_token = default_token
        self.limits = limits or LimitSettings()
        self.webhook_policy = webhook_policy or WebhookPolicy()
        self.limit_clock = limit_clock
        self.ids = IdSource()
        self.bots: dict[str, BotWorld] = {}

    def bot(self, token: str) -> BotWorld:
        """The bot for a well-formed token, created on first use."""
        world = self.bots.get(token)
        if world is None:
            bot_id = int(token.split(":", 1)[0])
            username = (
                DEFAULT_BOT_USERNAME if token == self.default_token else f"companion_{bot_id}_bot"
            )
            world = BotWorld(
                token, self.ids, self.limits, self.webhook_policy, username, self.limit_clock
            )
            self.bots[token] = world
        return world

    def resolve(self, token: str | None) -> BotWorld:
        """The bot a control request means: the given token, or the default bot."""
        if token is None or token == "":
            return self.bot(self.default_token)
        if not is_token(token):
            raise ControlError(400, "token must look like 123456:ABC... (20+ characters)")
        return self.bot(token)

    async def reset(self, token: str | None = None) -> None:
        """Forget one bot (or all of them): users, chats, updates, faults, limits, stats."""
        tokens = [token] if token else list(self.bots)
        for name in tokens:
            world = self.bots.pop(name, None)
            if world is not None:
                await self._shut(world)
        if token is None:
            self.ids = IdSource()

    async def close(self) -> None:
        for world in self.bots.values():
            await self._shut(world)

    @staticmethod
    async def _shut(world: BotWorld) -> None:
        world.closing = True
        world.wake_everyone()
        await stop_delivery(world)
        await close_session(world)
