"""Blocking and unblocking produce the my_chat_member updates Telegram sends."""

from __future__ import annotations

import pytest
import telegram
from telegram.constants import ChatMemberStatus

from bot.sandbox.client import SandboxError
from bot.sandbox.models import SandboxUser
from bot.sandbox.testing import Sandbox


async def membership_change(bot: telegram.Bot, update_id: int) -> telegram.ChatMemberUpdated:
    [update] = [u for u in await bot.get_updates() if u.update_id == update_id]
    assert update.my_chat_member is not None
    return update.my_chat_member


async def test_blocking_the_bot_is_a_member_to_kicked_change(
    sandbox: Sandbox, bot: telegram.Bot, patient: SandboxUser
) -> None:
    change = await membership_change(bot, await sandbox.client.block(patient.id))
    assert change.chat.id == patient.chat_id and change.chat.type == "private"
    assert change.from_user.id == patient.id
    assert change.old_chat_member.status == ChatMemberStatus.MEMBER
    assert change.new_chat_member.status == ChatMemberStatus.BANNED  # "kicked" on the wire
    assert change.new_chat_member.user.id == bot.id
    assert change.difference()["status"] == (ChatMemberStatus.MEMBER, ChatMemberStatus.BANNED)


async def test_unblocking_the_bot_is_a_kicked_to_member_change(
    sandbox: Sandbox, bot: telegram.Bot, patient: SandboxUser
) -> None:
    await sandbox.client.block(patient.id)
    change = await membership_change(bot, await sandbox.client.unblock(patient.id))
    assert change.old_chat_member.status == ChatMemberStatus.BANNED
    assert change.new_chat_member.status == ChatMemberStatus.MEMBER


async def test_after_unblocking_the_bot_may_write_again(
    sandbox: Sandbox, bot: telegram.Bot, patient: SandboxUser
) -> None:
    await sandbox.client.block(patient.id)
    await sandbox.client.unblock(patient.id)
    assert (await bot.send_message(patient.chat_id, "Welcome back")).text == "Welcome back"


async def test_a_user_who_blocked_the_bot_cannot_write_to_it(
    sandbox: Sandbox, patient: SandboxUser
) -> None:
    await sandbox.client.block(patient.id)
    with pytest.raises(SandboxError, match="unblock"):
        await sandbox.client.send_text(patient.id, "hello?")


async def test_adding_the_bot_to_a_group_is_a_left_to_member_change(
    sandbox: Sandbox, bot: telegram.Bot, patient: SandboxUser
) -> None:
    group = await sandbox.client.create_group("Fictional family", [patient.id])
    [change] = [u.my_chat_member for u in await bot.get_updates() if u.my_chat_member]
    assert change.chat.id == group and change.chat.type == "group"
    assert change.from_user.id == patient.id
    assert change.old_chat_member.status == ChatMemberStatus.LEFT
    assert change.new_chat_member.status == ChatMemberStatus.MEMBER
