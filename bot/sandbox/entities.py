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
