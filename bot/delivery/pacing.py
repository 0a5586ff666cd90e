"""Pacing under Telegram's limits: overall, per private chat, per group.

Token buckets with a monotonic clock. Each bucket is sized so that no window Telegram
measures can be exceeded: a bucket of capacity C refilled at r per second admits at most
C + r·T messages in any window of T seconds.

* overall: ``rate`` per second with a small burst, so C + r stays under 30;
* private chat: a burst of ``chat_burst`` then ``chat_rate`` per second (with a 5%
  margin so clock jitter between us and Telegram never tips a message over);
* group: at most ``group_per_minute`` in any 60 seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

TELEGRAM_GLOBAL_PER_SECOND = 30
MARGIN = 0.95


@dataclass
class Bucket:
    capacity: float
    rate: float  # tokens per second
    tokens: float = 0.0
    stamp: float | None = None  # None until first used: the bucket starts full

    def _refill(self, now: float) -> None:
        if self.stamp is None:
            self.tokens, self.stamp = self.capacity, now
            return
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def wait(self, now: float) -> float:
        """Seconds until one token is available (0 when one is)."""
        self._refill(now)
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens -= 1


@dataclass
class Pacer:
    rate: float = 25.0
    chat_burst: int = 3
    chat_rate: float = 1.0
    group_per_minute: int = 20
    clock: Callable[[], float] = time.monotonic
    _global: Bucket = field(init=False)
    _chats: dict[int, Bucket] = field(default_factory=dict, init=False)
    _paused_until: dict[int, float] = field(default_factory=dict, init=False)
    _all_paused_until: float = field(default=0.0, init=False)

    def __post_init__(self) -> None:
        burst = max(1.0, min(5.0, TELEGRAM_GLOBAL_PER_SECOND - self.rate - 1))
        self._global = Bucket(capacity=burst, rate=self.rate)

    def _bucket(self, chat_id: int) -> Bucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            if chat_id < 0:  # groups and channels
                burst = 2.0
                per_second = max(1.0, self.group_per_minute - burst) / 60.0
                bucket = Bucket(capacity=burst, rate=per_second)
            else:
                bucket = Bucket(capacity=float(self.chat_burst), rate=self.chat_rate * MARGIN)
            self._chats[chat_id] = bucket
        return bucket

    def wait(self, chat_id: int) -> float:
        """Seconds before a message to ``chat_id`` may go (0 = now)."""
        now = self.clock()
        paused = max(self._all_paused_until, self._paused_until.get(chat_id, 0.0)) - now
        return max(0.0, paused, self._bucket(chat_id).wait(now), self._global.wait(now))

    def chat_wait(self, chat_id: int) -> float:
        """Like ``wait`` but ignoring the overall bucket (for ordering decisions)."""
        now = self.clock()
        paused = max(self._all_paused_until, self._paused_until.get(chat_id, 0.0)) - now
        return max(0.0, paused, self._bucket(chat_id).wait(now))

    def take(self, chat_id: int) -> None:
        now = self.clock()
        self._bucket(chat_id).take(now)
        self._global.take(now)

    def pause_chat(self, chat_id: int, seconds: float) -> None:
        self._paused_until[chat_id] = max(
            self._paused_until.get(chat_id, 0.0), self.clock() + seconds
        )

    def pause_all(self, seconds: float) -> None:
        self._all_paused_until = max(self._all_paused_until, self.clock() + seconds)

    def forget_idle(self, older_than: float = 300.0) -> None:
        """Drop buckets of chats not used for a while and pauses that are over (memory stays
        flat). An idle bucket has refilled anyway; a chat still paused keeps its pause."""
        now = self.clock()
        for chat_id in [c for c, until in self._paused_until.items() if until <= now]:
            del self._paused_until[chat_id]
        for chat_id in [
            c
            for c, b in self._chats.items()
            if b.stamp is not None and now - b.stamp > older_than and c not in self._paused_until
        ]:
            del self._chats[chat_id]

    @property
    def tracked_chats(self) -> int:
        """How many chats have pacing state in memory."""
        return len(self._chats) + len(self._paused_until.keys() - self._chats.keys())
