"""Injected faults: what a flaky network or an overloaded Telegram does to a bot.

A rule names a kind, the method it hits (or every method) and when it fires: with a
probability (``rate``, reproducible through ``seed``) and/or for the next ``count``
matching calls. Faults hit the Bot API only, never the control API.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class FaultKind(StrEnum):
    TOO_MANY_REQUESTS = "429"
    SERVER_ERROR = "500"
    BAD_GATEWAY = "502"
    FORBIDDEN = "403"
    DROP = "drop"
    SLOW = "slow"


class Phase(StrEnum):
    BEFORE = "before"  # the call has no effect
    AFTER = "after"  # the call takes effect, then the answer is lost (drop) or late (slow)


FAULT_EFFECTS: dict[FaultKind, str] = {
    FaultKind.TOO_MANY_REQUESTS: "answer 429 Too Many Requests with parameters.retry_after",
    FaultKind.SERVER_ERROR: "answer 500 Internal Server Error (JSON, as Telegram does)",
    FaultKind.BAD_GATEWAY: "answer 502 Bad Gateway with an HTML body (as Telegram's proxy does)",
    FaultKind.FORBIDDEN: "answer 403 for calls to the given chat (or any chat)",
    FaultKind.DROP: "close the connection without an answer",
    FaultKind.SLOW: "wait `delay` seconds before answering",
}


class FaultError(ValueError):
    """A fault rule that does not make sense."""


@dataclass
class FaultRule:
    id: int
    kind: FaultKind
    method: str | None = None
    rate: float | None = None
    count: int | None = None
    seed: int | None = None
    retry_after: int = 1
    delay: float = 1.0
    chat_id: int | None = None
    description: str = "Forbidden: bot was blocked by the user"
    phase: Phase = Phase.BEFORE
    fired: int = 0
    _random: random.Random = field(default_factory=random.Random, repr=False)

    def __post_init__(self) -> None:
        if self.rate is None and self.count is None:
            raise FaultError("give a rate (0..1) or a count (next N calls)")
        if self.rate is not None and not 0 <= self.rate <= 1:
            raise FaultError("rate must be between 0 and 1")
        if self.count is not None and self.count < 1:
            raise FaultError("count must be at least 1")
        if self.retry_after < 1:
            raise FaultError("retry_after must be at least 1 second")
        if self.delay < 0:
            raise FaultError("delay cannot be negative")
        if self.phase is Phase.AFTER and self.kind not in (FaultKind.DROP, FaultKind.SLOW):
            raise FaultError("only drop and slow faults can happen after the call")
        self._random = random.Random(self.seed)  # noqa: S311 - test determinism, not security

    @property
    def exhausted(self) -> bool:
        return self.count is not None and self.count <= 0

    def matches(self, method: str, chat_id: int | None) -> bool:
        if self.method is not None and self.method.lower() != method.lower():
            return False
        if self.kind is FaultKind.FORBIDDEN and self.chat_id is not None:
            return chat_id == self.chat_id
        if self.kind is FaultKind.FORBIDDEN:
            return chat_id is not None
        return True

    def fires(self) -> bool:
        """Decide for one matching call; consumes the count when it fires."""
        if self.exhausted:
            return False
        if self.rate is not None and self._random.random() >= self.rate:
            return False
        if self.count is not None:
            self.count -= 1
        self.fired += 1
        return True

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "method": self.method,
            "rate": self.rate,
            "count_left": self.count,
            "seed": self.seed,
            "retry_after": self.retry_after,
            "delay": self.delay,
            "chat_id": self.chat_id,
            "phase": self.phase.value,
            "fired": self.fired,
        }


class FaultPlan:
    """The fault rules of one bot, tried in the order they were added."""

    def __init__(self) -> None:
        self.rules: list[FaultRule] = []
        self._next_id = 1

    def add(self, **settings: Any) -> FaultRule:
        try:
            kind = FaultKind(str(settings.pop("kind")))
            phase = Phase(str(settings.pop("phase", Phase.BEFORE.value)))
        except (KeyError, ValueError):
            raise FaultError(
                f"kind must be one of {', '.join(k.value for k in FaultKind)}; "
                "phase must be before or after"
            ) from None
        try:
            rule = FaultRule(id=self._next_id, kind=kind, phase=phase, **settings)
        except TypeError as exc:
            raise FaultError(str(exc)) from None
        self._next_id += 1
        self.rules.append(rule)
        return rule

    def clear(self) -> None:
        self.rules.clear()

    def pick(self, method: str, chat_id: int | None) -> FaultRule | None:
        """The first rule that fires for this call, if any."""
        for rule in self.rules:
            if rule.matches(method, chat_id) and rule.fires():
                return rule
        return None
