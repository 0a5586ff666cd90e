"""Alert channels besides Telegram: e-mail (SMTP) and a signed JSON webhook.

Both carry the same minimal content as a Telegram alert: escalation, level, patient
reference and initials, time. The webhook body is signed with HMAC-SHA256:
``X-Companion-Signature: sha256=<hex of HMAC(secret, timestamp + "." + body)>`` and
``X-Companion-Timestamp: <unix seconds>``, so a receiver can verify and reject replays.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import smtplib
import time
from email.message import EmailMessage
from typing import Any

import aiohttp

from bot.config import Settings
from bot.delivery.api import BotApi, Rejected, Transient

SIGNATURE_HEADER = "X-Companion-Signature"
TIMESTAMP_HEADER = "X-Companion-Timestamp"


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: bytes, timestamp: str, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


class EmailChannel:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def _send(self, to: str, subject: str, text: str) -> None:
        s = self._settings
        assert s.smtp_host is not None
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = s.smtp_from, to, subject
        message.set_content(text)
        with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=20) as smtp:
            if s.smtp_starttls:
                smtp.starttls()
            if s.smtp_username and s.smtp_password:
                smtp.login(s.smtp_username, s.smtp_password.get_secret_value())
            smtp.send_message(message)

    async def send(self, params: dict[str, Any]) -> None:
        try:
            await asyncio.to_thread(
                self._send, str(params["to"]), str(params["subject"]), str(params["text"])
            )
        except smtplib.SMTPRecipientsRefused as exc:
            raise Rejected(f"smtp refused recipient: {type(exc).__name__}") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise Transient(f"smtp: {type(exc).__name__}") from None


class WebhookChannel:
    def __init__(self, url: str, secret: str) -> None:
        self._url = url
        self._secret = secret.encode()

    async def send(self, params: dict[str, Any]) -> None:
        body = json.dumps(params["json"], separators=(",", ":"), sort_keys=True).encode()
        stamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: stamp,
            SIGNATURE_HEADER: sign(self._secret, stamp, body),
        }
        try:
            async with (
                aiohttp.ClientSession() as session,
                session.post(
                    self._url, data=body, headers=headers, timeout=aiohttp.ClientTimeout(total=15)
                ) as response,
            ):
                if response.status >= 500:
                    raise Transient(f"webhook {response.status}")
                if response.status >= 400:
                    raise Rejected(f"webhook {response.status}")
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise Transient(f"webhook: {type(exc).__name__}") from None


class ChannelRouter:
    """A BotApi that sends ``email`` and ``webhook`` rows by their own channel."""

    def __init__(self, telegram: BotApi, settings: Settings) -> None:
        self._telegram = telegram
        self._email = EmailChannel(settings) if settings.smtp_host else None
        self._webhook = (
            WebhookChannel(
                settings.alert_webhook_url, settings.alert_webhook_secret.get_secret_value()
            )
            if settings.alert_webhook_url and settings.alert_webhook_secret
            else None
        )

    async def call(self, method: str, params: dict[str, Any]) -> Any:
        if method == "email":
            if self._email is None:
                raise Rejected("e-mail alerts are not configured")
            await self._email.send(params)
            return True
        if method == "webhook":
            if self._webhook is None:
                raise Rejected("alert webhook is not configured")
            await self._webhook.send(params)
            return True
        return await self._telegram.call(method, params)
