"""Telegram's flood limits as token buckets.

Only message-sending methods (sendMessage, sendPhoto, sendDocument) are counted; edits,
deletions, chat actions and callback answers are not, in this model. A refused message
takes no tokens. The three limits, with Telegram's published values as defaults:

| limit         | default                              | why                                  |
|---------------|--------------------------------------|--------------------------------------|
| global        | 30 messages/s per bot (burst 30)     | Bot FAQ: ~30 messages per second     |
| private_chat  | burst 3, then 1 message/s per chat   | Bot FAQ: avoid > 1 msg/s in a chat   |
| group         | 20 messages/min per group (burst 20) | Bot FAQ: 20 messages per minute      |
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

Clock = Callable[[], float]
GLOBAL = "global"
PRIVATE_CHAT = "private_chat"
GROUP = "group"
LIMIT_KINDS = (GLOBAL, PRIVATE_CHAT, GROUP)


class LimitSettingsError(ValueError):
    """A limit setting that is unknown or out of range."""


@dataclass(frozen=True)
class LimitSettings:
    enabled: bool = True
    global_per_second: float = 30.0
    global_burst: int = 30
    private_per_second: float = 1.0
    private_burst: int = 3
    group_per_minute: float = 20.0
    group_burst: int = 20

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def updated(self, changes: dict[str, Any]) -> LimitSettings:
        """A copy with ``changes`` applied; unknown names or non-positive rates are refused."""
        known = {f.name: f.type for f in fields(self)}
        unknown = sorted(set(changes) - set(known))
        if unknown:
            raise LimitSettingsError(f"unknown limit settings: {', '.join(unknown)}")
        clean: dict[str, Any] = {}
        for name, value in changes.items():
            if name == "enabled":
                clean[name] = bool(value)
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise LimitSettingsError(f"{name} must be a positive number")
            clean[name] = int(value) if name.endswith("_burst") else float(value)
            if name.endswith("_burst") and clean[name] < 1:
                raise LimitSettingsError(f"{name} must be at least 1")
        return replace(self, **clean)


class TokenBucket:
    """``capacity`` tokens, refilled continuously at ``rate`` tokens per second."""

    def __init__(self, capacity: int, rate: float, now: float) -> None:
        self.capacity = capacity
        self.rate = rate
        self.tokens = float(capacity)
        self.updated = now

    def wait_time(self, now: float) -> float:
        """Seconds until one token is available (0 if one is available now)."""
        self._refill(now)
        if self.tokens >= 1:
            return 0.0
        return (1 - self.tokens) / self.rate

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens -= 1

    def _refill(self, now: float) -> None:
        elapsed = max(0.0, now - self.updated)
        self.tokens = min(float(self.capacity), self.tokens + elapsed * self.rate)
        self.updated = now


@dataclass(frozen=True)
class Violation:
    kind: str
    retry_after: int


class RateLimiter:
    """The buckets of one bot: one global, one per private chat, one per group."""

    def __init__(self, settings: LimitSettings, clock: Clock = time.monotonic) -> None:
        self.settings = settings
        self._clock = clock
        self._global = TokenBucket(settings.global_burst, settings.global_per_second, clock())
        self._chats: dict[int, TokenBucket] = {}

    def configure(self, settings: LimitSettings) -> None:
        """Apply new settings; all buckets start full again."""
        self.settings = settings
        self._global = TokenBucket(settings.global_burst, settings.global_per_second, self._clock())
        self._chats.clear()

    def admit(self, chat_id: int, is_group: bool) -> Violation | None:
        """Take a token from every bucket the message needs, or none and say which refused."""
        if not self.settings.enabled:
            return None
        now = self._clock()
        chat_bucket = self._chat_bucket(chat_id, is_group, now)
        checks = ((GLOBAL, self._global), (GROUP if is_group else PRIVATE_CHAT, chat_bucket))
        for kind, bucket in checks:
            wait = bucket.wait_time(now)
            if wait > 0:
                return Violation(kind, max(1, math.ceil(wait)))
        for _, bucket in checks:
            bucket.take(now)
        return None

    def _chat_bucket(self, chat_id: int, is_group: bool, now: float) -> TokenBucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            settings = self.settings
            if is_group:
                bucket = TokenBucket(settings.group_burst, settings.group_per_minute / 60, now)
            else:
                bucket = TokenBucket(settings.private_burst, settings.private_per_second, now)
            self._chats[chat_id] = bucket
        return bucket
