"""Pack text into Telegram messages: within the length limit, split between items, then
between lines, then between words — never inside a word (a word longer than a whole message,
which validated plans cannot contain, is the only thing ever cut).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.plans.limits import MESSAGE_LIMIT

CONTINUED = " (continued)"
BLOCK_SEP = "\n\n"
LINE_SEP = "\n"


def telegram_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji may count as two)."""
    return len(text.encode("utf-16-le")) // 2


def pack_messages(header: str, blocks: Sequence[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Messages that each start with ``header`` (later ones marked continued) and hold blocks.

    Blocks are kept whole when they fit in a message; otherwise they are split between
    lines, and lines between words.
    """
    first, later = header, header + CONTINUED
    capacity = limit - telegram_length(later) - telegram_length(BLOCK_SEP)
    if capacity < 1:
        raise ValueError("the header leaves no room for text")
    bodies: list[str] = []
    current = ""
    for block in (b.strip() for b in blocks):
        if not block:
            continue
        joined = current + BLOCK_SEP + block if current else block
        if telegram_length(joined) <= capacity:
            current = joined
            continue
        if current and telegram_length(block) <= capacity:
            bodies.append(current)
            current = block
            continue
        for index, (piece, sep) in enumerate(_pieces(block, capacity)):
            separator = BLOCK_SEP if index == 0 else sep
            joined = current + separator + piece if current else piece
            if telegram_length(joined) <= capacity:
                current = joined
            else:
                bodies.append(current)
                current = piece
    if current or not bodies:
        bodies.append(current)
    return [
        (first if index == 0 else later) + (BLOCK_SEP + body if body else "")
        for index, body in enumerate(bodies)
    ]


def _pieces(block: str, capacity: int) -> list[tuple[str, str]]:
    """A block as (piece, separator before it) pairs, each piece fitting ``capacity``."""
    pieces: list[tuple[str, str]] = []
    for line in block.split(LINE_SEP):
        if telegram_length(line) <= capacity:
            pieces.append((line, LINE_SEP))
            continue
        for index, part in enumerate(_words(line, capacity)):
            pieces.append((part, LINE_SEP if index == 0 else " "))
    return pieces


def _words(line: str, capacity: int) -> list[str]:
    parts: list[str] = []
    current = ""
    for word in line.split(" "):
        while telegram_length(word) > capacity:  # longer than a whole message: cut it
            if current:
                parts.append(current)
                current = ""
            cut = _cut(word, capacity)
            parts.append(word[:cut])
            word = word[cut:]
        joined = f"{current} {word}" if current else word
        if telegram_length(joined) <= capacity:
            current = joined
        else:
            parts.append(current)
            current = word
    if current:
        parts.append(current)
    return parts


def _cut(word: str, capacity: int) -> int:
    """How many characters of ``word`` fit in ``capacity`` UTF-16 units (at least one)."""
    size = 0
    for index, char in enumerate(word):
        size += telegram_length(char)
        if size > capacity:
            return max(index, 1)
    return len(word)
