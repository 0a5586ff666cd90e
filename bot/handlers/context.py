"""How handlers reach the use cases: one ``Services`` object in ``bot_data``.

``bot_data`` holds only this wiring, never patient data; ``user_data`` and ``chat_data``
are not used at all.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from bot.bootstrap import Services

SERVICES = "services"
FAILURES = "failures"


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    found = context.application.bot_data[SERVICES]
    assert isinstance(found, Services)
    return found


def chat_of(update: Update) -> int | None:
    chat = update.effective_chat
    return None if chat is None else chat.id


def failures(context: Any) -> dict[int, BaseException]:
    value = context.application.bot_data.setdefault(FAILURES, {})
    assert isinstance(value, dict)
    return value
