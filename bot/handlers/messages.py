"""Free text (and captions), other messages, edits, the SOS keyboard button, and
blocking or unblocking the bot."""

from __future__ import annotations

from telegram import ChatMember, Update
from telegram.ext import ContextTypes

from bot.handlers import commands
from bot.handlers.context import chat_of, services
from bot.services import texts


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Text, or the caption of a photo, video, document, animation or audio."""
    message = update.effective_message
    chat = chat_of(update)
    if message is None or chat is None:
        return
    text = message.text or message.caption
    if text is None or not text.strip():
        await on_attachment(update, context)
        return
    if text.strip() == texts.SOS_BUTTON:
        await commands.sos(update, context)
        return
    await services(context).conversation.free_text(chat, text, update.update_id)


async def on_attachment(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A message with nothing to read: a sticker, voice, location, contact, bare file..."""
    message = update.effective_message
    chat = chat_of(update)
    if message is None or chat is None:
        return
    spoken = message.voice is not None or message.video_note is not None
    await services(context).conversation.unreadable(chat, update.update_id, spoken=spoken)


async def on_edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited message (or caption): triaged again, nothing else."""
    message = update.edited_message
    chat = chat_of(update)
    text = None if message is None else message.text or message.caption
    if chat is None or not text or not text.strip():
        return
    await services(context).conversation.edited_text(chat, text, update.update_id)


async def on_membership(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``my_chat_member`` in a private chat: blocked (kicked) or unblocked (member)."""
    change = update.my_chat_member
    chat = chat_of(update)
    if change is None or chat is None:
        return
    blocked = change.new_chat_member.status in (ChatMember.BANNED, ChatMember.LEFT)
    await services(context).conversation.membership(chat, blocked, update.update_id)
