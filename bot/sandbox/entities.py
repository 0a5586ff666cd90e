"""Entities as the Bot API counts them: UTF-16 offsets, and plain text built piece by piece."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Entity = dict[str, Any]


class EntityParseError(Exception):
    """Markup Telegram would refuse ("Bad Request: can't parse entities: ...")."""


@dataclass(frozen=True)
class Rendered:
    text: str
    entities: list[Entity] = field(default_factory=list)


def has_lone_surrogate(value: object) -> bool:
    """True if a string anywhere in ``value`` (nested lists and dicts too) holds a UTF-16
    surrogate code point: a JSON escape such as ``"\\ud800"`` with no partner, which is
    not text. Telegram refuses such strings ("strings must be encoded in UTF-8")."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(has_lone_surrogate(k) or has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_lone_surrogate(item) for item in value)
    return False


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


class Output:
    """Plain text being built, with its length in UTF-16 units."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.offset = 0
        self.entities: list[Entity] = []

    def add(self, piece: str) -> None:
        self.parts.append(piece)
        self.offset += utf16_len(piece)

    def entity(self, kind: str, start: int, **extra: Any) -> None:
        if self.offset > start:
            self.entities.append({"type": kind, "offset": start, "length": self.offset - start})
            self.entities[-1].update({k: v for k, v in extra.items() if v is not None})

    def rendered(self) -> Rendered:
        ordered = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return Rendered("".join(self.parts), ordered)


@dataclass
class Opened:
    name: str
    kind: str
    start: int
    at: int
    attributes: dict[str, str] = field(default_factory=dict)
    language: str | None = None
