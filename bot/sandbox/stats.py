"""What the sandbox counted: calls, answers, limit violations, faults, webhook deliveries."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.limits import LIMIT_KINDS


@dataclass
class Statistics:
    calls: Counter[str] = field(default_factory=Counter)
    responses: Counter[int] = field(default_factory=Counter)
    too_many_requests: int = 0
    limit_violations: Counter[str] = field(default_factory=Counter)
    faults_injected: Counter[str] = field(default_factory=Counter)
    messages_sent: int = 0
    updates_created: int = 0
    webhook_attempted: int = 0
    webhook_succeeded: int = 0
    webhook_failed: int = 0
    webhook_dropped: int = 0

    def count_response(self, status: int) -> None:
        self.responses[status] += 1
        if status == 429:
            self.too_many_requests += 1

    def to_json(self) -> dict[str, Any]:
        return {
            "calls": dict(self.calls),
            "responses": {str(code): n for code, n in sorted(self.responses.items())},
            "too_many_requests": self.too_many_requests,
            "limit_violations": {kind: self.limit_violations[kind] for kind in LIMIT_KINDS},
            "faults_injected": dict(self.faults_injected),
            "messages_sent": self.messages_sent,
            "updates_created": self.updates_created,
            "webhook": {
                "attempted": self.webhook_attempted,
                "succeeded": self.webhook_succeeded,
                "failed": self.webhook_failed,
                "dropped": self.webhook_dropped,
            },
        }
