"""Formatted text the way Telegram reads it: parse modes, entities, lengths.

``render`` turns a text and its ``parse_mode`` into the plain text a patient sees plus
its entities (offsets in UTF-16 code units, as in the Bot API), and refuses malformed
markup with Telegram's "can't parse entities" errors. A bot whose texts break here would
break in production too.
"""

from __future__ import annotations

import re

from bot.sandbox.entities import Entity, EntityParseError, Rendered, utf16_len
from bot.sandbox.html_text import HtmlReader
from bot.sandbox.markdown import LegacyMarkdownReader, MarkdownV2Reader

__all__ = ["EntityParseError", "Rendered", "command_entities", "render", "utf16_len"]

COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")


def render(text: str, parse_mode: str | None) -> Rendered:
    """Plain text and entities for ``text`` under ``parse_mode`` (None: no markup)."""
    if not parse_mode:
        return Rendered(text, [])
    mode = parse_mode.lower()
    if mode == "html":
        return HtmlReader(text).read()
    if mode == "markdownv2":
        return MarkdownV2Reader(text).read()
    if mode == "markdown":
        return LegacyMarkdownReader(text).read()
    raise ValueError(parse_mode)


def command_entities(text: str) -> list[Entity]:
    """``bot_command`` entities, as Telegram adds them to a user's message."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: match.start()]),
            "length": utf16_len(match.group()),
        }
        for match in COMMAND.finditer(text)
    ]
