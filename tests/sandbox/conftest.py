"""Sandbox fixtures: the shared ones from bot.sandbox.testing, plus a bot and a patient."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import telegram

from bot.sandbox.models import SandboxUser
from bot.sandbox.testing import Sandbox, sandbox, sandbox_server

__all__ = ["bot", "patient", "sandbox", "sandbox_server"]


@pytest.fixture
async def bot(sandbox: Sandbox) -> AsyncIterator[telegram.Bot]:
    """python-telegram-bot's own Bot, initialised (getMe) against the sandbox."""
    async with sandbox.bot() as tg_bot:
        yield tg_bot


@pytest.fixture
async def patient(sandbox: Sandbox) -> SandboxUser:
    """A fictional patient who has started the bot."""
    person = await sandbox.client.create_user("Robin", username="robin_example")
    await sandbox.client.start_bot(person.id)
    return person
