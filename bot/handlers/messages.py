"""Free text, the SOS keyboard button, and blocking or unblocking the bot."""

from __future__ import annotations

from telegram import ChatMember, Update
from telegram.ext import ContextTypes

from bot.handlers import commands
from bot.handlers.context import chat_of, services
from bot.services import texts


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    chat = chat_of(update)
    if message is None or message.text is None or chat is None:
        return
    if message.text.strip() == texts.SOS_BUTTON:
        await commands.sos(update, context)
        return
    await services(context).conversation.free_text(chat, message.text, update.update_id)


async def on_membership(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``my_chat_member`` in a private chat: blocked (kicked) or unblocked (member)."""
    change = update.my_chat_member
    chat = chat_of(update)
    if change is None or chat is None:
        return
    blocked = change.new_chat_member.status in (ChatMember.BANNED, ChatMember.LEFT)
    await services(context).conversation.membership(chat, blocked, update.update_id)
