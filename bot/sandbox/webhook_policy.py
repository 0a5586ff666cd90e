"""How persistently the sandbox retries a webhook that does not answer 2xx."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any


class WebhookPolicyError(ValueError):
    """A webhook policy setting that is unknown or out of range."""


@dataclass(frozen=True)
class WebhookPolicy:
    initial_delay: float = 1.0
    max_delay: float = 60.0
    multiplier: float = 2.0
    max_attempts: int = 10
    request_timeout: float = 10.0

    def delay_after(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        return min(self.max_delay, self.initial_delay * self.multiplier ** (attempt - 1))

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def updated(self, changes: dict[str, Any]) -> WebhookPolicy:
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise WebhookPolicyError(f"unknown webhook settings: {', '.join(unknown)}")
        clean: dict[str, Any] = {}
        for name, value in changes.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise WebhookPolicyError(f"{name} must be a positive number")
            clean[name] = int(value) if name == "max_attempts" else float(value)
        if clean.get("multiplier", self.multiplier) < 1:
            raise WebhookPolicyError("multiplier must be at least 1")
        return replace(self, **clean)
