"""``reply_markup`` as Telegram validates it: inline keyboards, reply keyboards, removal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.sandbox.errors import ApiError

MAX_CALLBACK_DATA_BYTES = 64
URL_SCHEMES = ("http://", "https://", "tg://")
INLINE_ACTIONS = (
    "callback_data",
    "url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "web_app",
    "login_url",
    "pay",
    "callback_game",
    "copy_text",
)
REPLY_KEYBOARD_OPTIONS = (
    "is_persistent",
    "resize_keyboard",
    "one_time_keyboard",
    "input_field_placeholder",
    "selective",
)

InlineKeyboard = list[list[dict[str, Any]]]


@dataclass(frozen=True)
class Markup:
    """What a ``reply_markup`` asked for. At most one of the parts is set."""

    inline_keyboard: InlineKeyboard | None = None
    reply_keyboard: dict[str, Any] | None = None
    remove_keyboard: bool = False
    force_reply: bool = False


NO_MARKUP = Markup()


def read_markup(value: Any) -> Markup:
    """Validate a decoded ``reply_markup`` object (None: no markup)."""
    if value is None:
        return NO_MARKUP
    if not isinstance(value, dict):
        raise ApiError.bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in value:
        return Markup(inline_keyboard=read_inline_keyboard(value["inline_keyboard"]))
    if "keyboard" in value:
        return Markup(reply_keyboard=_reply_keyboard(value))
    if value.get("remove_keyboard") is True:
        return Markup(remove_keyboard=True)
    if value.get("force_reply") is True:
        return Markup(force_reply=True)
    raise ApiError.bad_request("can't parse reply keyboard markup JSON object")


def read_inline_keyboard(rows: Any) -> InlineKeyboard:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ApiError.bad_request('field "inline_keyboard" must be an Array of Arrays')
    return [[_inline_button(button) for button in row] for row in rows]


def _inline_button(button: Any) -> dict[str, Any]:
    if not isinstance(button, dict):
        raise ApiError.bad_request(
            "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
        )
    text = button.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ApiError.bad_request("BUTTON_TEXT_EMPTY")
    actions = [name for name in INLINE_ACTIONS if name in button]
    if not actions:
        raise ApiError.bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    data = button.get("callback_data")
    if "callback_data" in button and (
        not isinstance(data, str) or not data or len(data.encode("utf-8")) > MAX_CALLBACK_DATA_BYTES
    ):
        raise ApiError.bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if "url" in button and (not isinstance(url, str) or not url.startswith(URL_SCHEMES)):
        raise ApiError.bad_request("BUTTON_URL_INVALID")
    return {"text": text, **{name: button[name] for name in actions}}


def _reply_keyboard(value: dict[str, Any]) -> dict[str, Any]:
    rows = value["keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ApiError.bad_request('field "keyboard" must be an Array of Arrays')
    keyboard: list[list[dict[str, Any]]] = []
    for row in rows:
        buttons: list[dict[str, Any]] = []
        for button in row:
            if isinstance(button, str):
                button = {"text": button}
            if not isinstance(button, dict) or not str(button.get("text", "")).strip():
                raise ApiError.bad_request("BUTTON_TEXT_EMPTY")
            buttons.append(dict(button))
        keyboard.append(buttons)
    options = {name: value[name] for name in REPLY_KEYBOARD_OPTIONS if name in value}
    return {"keyboard": keyboard, **options}
