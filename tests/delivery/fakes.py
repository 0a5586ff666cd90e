"""A hand-written Bot API double: records calls, fails on request."""

from __future__ import annotations

import itertools
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from bot.delivery.api import DeliveryError


@dataclass
class FakeBotApi:
    calls: list[tuple[str, dict[str, Any], float]] = field(default_factory=list)
    failures: dict[int, list[DeliveryError]] = field(default_factory=lambda: defaultdict(list))
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(100))

    def fail_next(self, chat_id: int, *errors: DeliveryError) -> None:
        self.failures[chat_id].extend(errors)

    async def call(self, method: str, params: dict[str, Any]) -> Any:
        chat = int(params.get("chat_id", 0))
        self.calls.append((method, params, time.monotonic()))
        if self.failures.get(chat):
            raise self.failures[chat].pop(0)
        if method == "sendMessage":
            return {"message_id": next(self.ids), "chat": {"id": chat}, "text": params["text"]}
        return True

    def texts_to(self, chat_id: int) -> list[str]:
        return [
            p["text"]
            for m, p, _ in self.calls
            if m == "sendMessage" and p.get("chat_id") == chat_id
        ]
