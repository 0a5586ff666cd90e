"""Reading lists of items: each item read on its own, duplicates and references noted.

Shared by the section readers; every problem goes to the ``Reader``, none is raised.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from yaml.nodes import Node

from bot.plans import limits
from bot.plans.limits import COUNTS
from bot.plans.nodes import Path, Reader

T = TypeVar("T")


@dataclass(frozen=True)
class Reference:
    """An id written in one place that must exist in ``section``."""

    node: Node
    path: Path
    section: str
    id: str


class Unique:
    """Reports a value seen twice in one list, pointing at the first one."""

    def __init__(self, reader: Reader, what: str) -> None:
        self.reader = reader
        self.what = what
        self.seen: dict[str, Node] = {}

    def check(self, node: Node, path: Path, value: str | None) -> bool:
        if value is None:
            return False
        key = value.casefold()
        if key in self.seen:
            first = self.seen[key].start_mark.line + 1
            self.reader.error(
                node,
                path,
                f"duplicate {self.what} {value!r} (first used at "
                f"line {first}); each {self.what} must be different",
            )
            return False
        self.seen[key] = node
        return True


def read_list(
    reader: Reader,
    node: Node,
    path: Path,
    count_key: str,
    expected: str,
    read_one: Callable[[Node, Path], T | None],
) -> tuple[T, ...]:
    items = reader.sequence(node, path, count=COUNTS[count_key], expected=expected)
    if items is None:
        return ()
    read = (read_one(item, (*path, index)) for index, item in enumerate(items))
    return tuple(value for value in read if value is not None)


def read_texts(
    reader: Reader, node: Node, path: Path, count_key: str, limit: limits.TextLimit, what: str
) -> tuple[str, ...]:
    return read_list(
        reader, node, path, count_key, what, lambda item, p: reader.text(item, p, limit)
    )


def value_of(
    keys: dict[str, tuple[Node, Node]], key: str, read: Callable[[Node], T | None]
) -> T | None:
    return read(keys[key][1]) if key in keys else None


def read_refs(
    reader: Reader,
    node: Node,
    path: Path,
    count_key: str,
    section: str,
    expected: str,
    refs: list[Reference],
) -> tuple[str, ...]:
    seen = Unique(reader, "id")

    def one(item: Node, p: Path) -> str | None:
        value = reader.ident(item, p)
        if value is not None and seen.check(item, p, value):
            refs.append(Reference(item, p, section, value))
            return value
        return None

    return read_list(reader, node, path, count_key, expected, one)
