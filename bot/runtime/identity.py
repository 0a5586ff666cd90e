"""Asking Telegram who the bot is (``getMe``), for the CLI's invite links.

``companion run`` learns the bot's username at start; a ``clinician patient invite`` made
before the bot ever ran asks here instead, through the configured Bot API base URL (the
sandbox too) and with a short timeout, so the command never hangs on the network.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from bot.services.ports import BotIdentityUnknown

TIMEOUT_SECONDS = 5.0


class TelegramIdentity:
    """:class:`bot.services.ports.BotIdentity` over python-telegram-bot's ``getMe``."""

    def __init__(
        self, token: str | None, base_url: str, *, timeout: float = TIMEOUT_SECONDS
    ) -> None:
        self._token = token
        self._base_url = base_url
        self._timeout = timeout

    async def username(self) -> str:
        if not self._token:
            raise BotIdentityUnknown(
                "COMPANION_TELEGRAM_TOKEN is not set, so Telegram was not asked"
            )
        # imported here: most CLI commands never talk to Telegram
        from telegram import Bot
        from telegram.error import Forbidden, InvalidToken, TelegramError, TimedOut
        from telegram.request import HTTPXRequest

        seconds = self._timeout
        request = HTTPXRequest(
            connect_timeout=seconds,
            read_timeout=seconds,
            write_timeout=seconds,
            pool_timeout=seconds,
        )
        server = urlsplit(self._base_url).netloc or self._base_url
        try:
            async with Bot(self._token, base_url=self._base_url, request=request) as bot:
                username = bot.username
        except (InvalidToken, Forbidden):
            raise BotIdentityUnknown(
                f"{server} refused COMPANION_TELEGRAM_TOKEN when asked who the bot is (getMe)"
            ) from None
        except TimedOut:
            raise BotIdentityUnknown(
                f"{server} did not answer getMe within {seconds:g} s"
            ) from None
        except (TelegramError, OSError) as exc:  # the message may carry the URL (the token)
            raise BotIdentityUnknown(f"getMe at {server} failed ({type(exc).__name__})") from None
        if not username:
            raise BotIdentityUnknown(f"{server} answered getMe without a username")
        return username
