"""Inline buttons: a table of callback-data prefixes to use cases.

Every press is answered (through the outbox) and checked by the use case against the
chat's patient and the current state; unknown data is answered and ignored.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import ContextTypes

from bot.bootstrap import Services
from bot.handlers.context import chat_of, services
from bot.services import buttons, plan_chat
from bot.services import coping as coping_buttons
from bot.services.conversation import STOP_NO, STOP_YES
from bot.services.enrolment import CONSENT_NO, CONSENT_YES
from bot.services.escalation_review import ACK_PREFIX, DETAILS_PREFIX
from bot.services.safety import SOS_NOTIFY

Route = Callable[[Services, int, str, str, int], Awaitable[None]]


def _routes() -> list[tuple[tuple[str, ...], Route]]:
    return [
        (
            (CONSENT_YES, CONSENT_NO),
            lambda s, c, d, q, u: s.enrolment.consent(c, d == CONSENT_YES, q, u),
        ),
        (
            tuple(f"{k}:" for k in buttons.CHECKIN_KINDS),
            lambda s, c, d, q, u: s.checkins.press(c, d, q, u),
        ),
        ((coping_buttons.START,), lambda s, c, d, q, u: s.coping.start(c, u, q)),
        (
            (f"{coping_buttons.RATE}:", f"{coping_buttons.HELPED}:", f"{coping_buttons.TRIED}:"),
            lambda s, c, d, q, u: s.coping.press(c, d, q, u),
        ),
        (
            (
                plan_chat.MENU,
                f"{plan_chat.SECTION}:",
                plan_chat.FACING,
                f"{plan_chat.TRIGGER}:",
                plan_chat.SUGGEST,
                f"{plan_chat.SUGGEST}:",
                f"{plan_chat.TRIGGER_KIND}:",
                f"{plan_chat.NOT_HELPING}:",
            ),
            lambda s, c, d, q, u: s.plan_chat.press(c, d, q, u),
        ),
        (
            (STOP_YES, STOP_NO),
            lambda s, c, d, q, u: s.conversation.stop_answer(c, d == STOP_YES, q, u),
        ),
        (
            (SOS_NOTIFY, f"{SOS_NOTIFY}:"),
            lambda s, c, d, q, u: s.safety.notify_supporters(c, d, q, u),
        ),
        (
            (ACK_PREFIX,),
            lambda s, c, d, q, u: s.escalations.acknowledge_from_telegram(
                c, d.removeprefix(ACK_PREFIX), q, u
            ),
        ),
        (
            (DETAILS_PREFIX,),
            lambda s, c, d, q, u: s.escalations.details_hint(
                c, d.removeprefix(DETAILS_PREFIX), q, u
            ),
        ),
        (("set:",), lambda s, c, d, q, u: s.settings_chat.press(c, d, q, u)),
        (("sup:",), lambda s, c, d, q, u: s.supporters.press(c, d, q, u)),
    ]


ROUTES = _routes()


def route_for(data: str) -> Route | None:
    for prefixes, route in ROUTES:
        if any(data == p or (p.endswith(":") and data.startswith(p)) for p in prefixes):
            return route
    return None


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    chat = chat_of(update)
    if query is None or chat is None:
        return
    data = query.data or ""
    route = route_for(data)
    if route is None:
        await services(context).inbox.ignore_callback(chat, query.id, update.update_id)
        return
    await route(services(context), chat, data, query.id, update.update_id)
