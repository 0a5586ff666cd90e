"""Callback data: small opaque strings, always under Telegram's 64 bytes.

Check-in buttons name the check-in, the question position and a keyed tag of the value
(never the value). Every press is checked against the chat's patient and the check-in's
state before anything happens.
"""

from __future__ import annotations

from dataclasses import dataclass

START = "cs"  # cs:<checkin>
ANSWER = "ca"  # ca:<checkin>:<pos>:<tag>
TOGGLE = "ct"  # ct:<checkin>:<pos>:<tag>
DONE = "cd"  # cd:<checkin>:<pos>
SKIP = "ck"  # ck:<checkin>:<pos>
CHECKIN_KINDS = frozenset({START, ANSWER, TOGGLE, DONE, SKIP})


@dataclass(frozen=True)
class Press:
    kind: str
    checkin_id: str
    position: int | None = None
    tag: str | None = None


def start(checkin_id: str) -> str:
    return f"{START}:{checkin_id}"


def answer(checkin_id: str, position: int, tag: str) -> str:
    return f"{ANSWER}:{checkin_id}:{position}:{tag}"


def toggle(checkin_id: str, position: int, tag: str) -> str:
    return f"{TOGGLE}:{checkin_id}:{position}:{tag}"


def done(checkin_id: str, position: int) -> str:
    return f"{DONE}:{checkin_id}:{position}"


def skip(checkin_id: str, position: int) -> str:
    return f"{SKIP}:{checkin_id}:{position}"


def parse_checkin_press(data: str) -> Press | None:
    """Parse check-in callback data; None when it is not well-formed."""
    parts = data.split(":")
    if not parts or parts[0] not in CHECKIN_KINDS or len(data.encode()) > 64:
        return None
    kind, rest = parts[0], parts[1:]
    if not rest or len(rest[0]) != 32 or not all(c in "0123456789abcdef" for c in rest[0]):
        return None
    if kind == START:
        return Press(kind, rest[0]) if len(rest) == 1 else None
    if len(rest) < 2 or not rest[1].isdigit():
        return None
    position = int(rest[1])
    if kind in (ANSWER, TOGGLE):
        return Press(kind, rest[0], position, rest[2]) if len(rest) == 3 and rest[2] else None
    return Press(kind, rest[0], position) if len(rest) == 2 else None
