"""The one way delivery talks to Telegram: a Bot API call that raises our own errors."""

from __future__ import annotations

import warnings
from datetime import timedelta
from typing import Any, Protocol

from telegram import Bot, InputFile
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning, PTBUserWarning

# Outbox rows name their Bot API method, so we call it generically on purpose.
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.", category=PTBUserWarning)


class DeliveryError(Exception):
    """Base class; ``str()`` is a short description without message content."""


class RateLimited(DeliveryError):
    def __init__(self, retry_after: float) -> None:
        super().__init__(f"429 retry after {retry_after:g}s")
        self.retry_after = retry_after


class Unreachable(DeliveryError):
    """403: blocked, deactivated, or never started the bot. Never retried."""


class Transient(DeliveryError):
    """5xx, timeouts, dropped connections: worth retrying with backoff."""


class Rejected(DeliveryError):
    """400 and friends: the request itself is wrong; retrying will not help."""


class BotApi(Protocol):
    async def call(self, method: str, params: dict[str, Any]) -> Any: ...


def seconds(value: int | float | timedelta) -> float:
    """``RetryAfter.retry_after`` is an int today and a timedelta in PTB's next major."""
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class PtbBotApi:
    """BotApi over python-telegram-bot's ``Bot.do_api_request``."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def call(self, method: str, params: dict[str, Any]) -> Any:
        if "document_json" in params:  # a generated file (``/mydata``): upload it
            params = dict(params)
            content = str(params.pop("document_json")).encode()
            params["document"] = InputFile(
                content, filename=str(params.pop("filename", "data.json"))
            )
        try:
            return await self._bot.do_api_request(method, api_kwargs=params)
        except RetryAfter as exc:
            with warnings.catch_warnings():  # int today, timedelta in PTB's next major
                warnings.simplefilter("ignore", PTBDeprecationWarning)
                wait = seconds(exc.retry_after)
            raise RateLimited(max(wait, 0.1)) from None
        except Forbidden as exc:
            raise Unreachable(f"403 {exc.message[:120]}") from None
        except BadRequest as exc:
            raise Rejected(f"400 {exc.message[:120]}") from None
        except NetworkError as exc:  # includes TimedOut
            raise Transient(f"network: {type(exc).__name__}") from None
        except TelegramError as exc:
            raise Transient(f"telegram: {type(exc).__name__}") from None
