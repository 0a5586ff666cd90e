"""Commands: each parses the update and calls one use case. Texts live in services.texts."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers.context import chat_of, services

COMMANDS: list[tuple[str, str]] = [
    ("plan", "Your plan: reasons, triggers, coping, people"),
    ("checkin", "A short check-in now"),
    ("cope", "Ride out an urge together"),
    ("sos", "Crisis lines and your people, right now"),
    ("supporters", "People who get updates you choose"),
    ("settings", "Time zone, check-in times, quiet hours, pause"),
    ("mydata", "A copy of what is stored about you"),
    ("stop", "Stop using the companion"),
    ("help", "What I can do"),
]


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/start`` or ``/start <code>`` (deep link)."""
    chat = chat_of(update)
    if chat is None:
        return
    code = context.args[0] if context.args else None
    user = update.effective_user
    await services(context).enrolment.start(
        chat,
        code,
        update.update_id,
        first_name=user.first_name if user else "",
        username=user.username if user else None,
    )


async def help_(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (chat := chat_of(update)) is not None:
        await services(context).conversation.help(chat, update.update_id)


async def checkin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (chat := chat_of(update)) is not None:
        await services(context).checkins.start_by_patient(chat, update.update_id)


async def plan(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (chat := chat_of(update)) is not None:
        await services(context).plan_chat.show_menu(chat, update.update_id)


async def sos(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/sos`` and the persistent SOS button."""
    if (chat := chat_of(update)) is not None:
        found = await services(context).safety.sos(chat, update.update_id)
        if not found:
            await services(context).conversation.help(chat, update.update_id)


async def cope(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (chat := chat_of(update)) is not None:
        await services(context).coping.start(chat, update.update_id)


async def stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (chat := chat_of(update)) is not None:
        await services(context).conversation.stop(chat, update.update_id)


async def mydata(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (chat := chat_of(update)) is not None:
        await services(context).conversation.my_data(chat, update.update_id)


async def settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (chat := chat_of(update)) is not None:
        await services(context).settings_chat.menu(chat, update.update_id)


async def supporters(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (chat := chat_of(update)) is not None:
        await services(context).supporters.menu(chat, update.update_id)
