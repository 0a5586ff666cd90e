"""Build the python-telegram-bot Application: handlers only, no updater.

Updates reach it from our durable inbox (``Application.process_update``), never from
PTB's own fetcher, so an answer is never acknowledged to Telegram before it is stored.
"""

from __future__ import annotations

import logging

from telegram import Bot, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.bootstrap import Services
from bot.handlers import callbacks, commands, messages
from bot.handlers.context import SERVICES, failures
from bot.services.outgoing import AlreadyProcessed

log = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Remember which update failed (the inbox retries it); log the type, never content."""
    error = context.error
    if isinstance(error, AlreadyProcessed):  # another instance handled it first: done
        log.info("update.already_processed")
        if isinstance(update, Update):
            failures(context)[update.update_id] = error
        return
    if isinstance(update, Update) and error is not None:
        failures(context)[update.update_id] = error
        log.error(
            "update.failed update_id=%s error=%s",
            update.update_id,
            type(error).__name__,
            exc_info=error,
        )
    else:
        log.error("handler.error error=%s", type(error).__name__, exc_info=error)


def build_application(bot: Bot, services: Services) -> Application:  # type: ignore[type-arg]
    app = (
        Application.builder()
        .bot(bot)
        .updater(None)
        .concurrent_updates(False)
        .job_queue(None)
        .build()
    )
    app.bot_data[SERVICES] = services
    private = filters.ChatType.PRIVATE
    table = [
        ("start", commands.start),
        ("help", commands.help_),
        ("checkin", commands.checkin),
        ("plan", commands.plan),
        ("sos", commands.sos),
        ("cope", commands.cope),
        ("stop", commands.stop),
        ("mydata", commands.mydata),
        ("settings", commands.settings),
        ("supporters", commands.supporters),
    ]
    for name, callback in table:
        app.add_handler(CommandHandler(name, callback, filters=private))
    app.add_handler(MessageHandler(private & filters.COMMAND, commands.help_))
    app.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, messages.on_text))
    app.add_handler(CallbackQueryHandler(callbacks.on_button))
    app.add_handler(ChatMemberHandler(messages.on_membership, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_error_handler(on_error)
    return app
