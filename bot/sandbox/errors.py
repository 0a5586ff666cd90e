"""Failures the sandbox answers with: Bot API errors (Telegram's shape) and control API errors."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A Bot API call that Telegram would refuse; rendered as ``{"ok": false, ...}``."""

    def __init__(self, code: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    @classmethod
    def bad_request(cls, reason: str) -> ApiError:
        return cls(400, f"Bad Request: {reason}")

    @classmethod
    def forbidden(cls, reason: str) -> ApiError:
        return cls(403, f"Forbidden: {reason}")

    @classmethod
    def conflict(cls, reason: str) -> ApiError:
        return cls(409, f"Conflict: {reason}")

    @classmethod
    def too_many_requests(cls, retry_after: int) -> ApiError:
        return cls(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


class ControlError(Exception):
    """A control API request that cannot be carried out (unknown user, bad input, ...)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def not_found(what: str) -> ControlError:
    return ControlError(404, f"{what} not found")


def invalid(message: str) -> ControlError:
    return ControlError(400, message)
