"""Readers for the people in a plan: supports, professionals and crisis lines."""

from __future__ import annotations

from yaml.nodes import Node, ScalarNode

from bot.plans import limits
from bot.plans.list_reading import Unique, read_list, value_of
from bot.plans.model import CrisisInfo, CrisisLine, Professional, Support
from bot.plans.nodes import NULL_TAG, Path, Reader


def read_supports(reader: Reader, node: Node, path: Path) -> tuple[Support, ...]:
    names = Unique(reader, "name")

    def one(item: Node, p: Path) -> Support | None:
        keys = reader.mapping(
            item,
            p,
            allowed=("name", "relationship", "contact"),
            required=("name", "contact"),
            expected="a person to call",
        )
        if keys is None:
            return None
        name = value_of(keys, "name", lambda n: reader.text(n, (*p, "name"), limits.LABEL))
        ok = names.check(keys["name"][1], (*p, "name"), name) if "name" in keys else False
        relationship = value_of(
            keys, "relationship", lambda n: reader.text(n, (*p, "relationship"), limits.SHORT)
        )
        contact = value_of(
            keys, "contact", lambda n: reader.text(n, (*p, "contact"), limits.CONTACT)
        )
        if not ok or name is None or contact is None:
            return None
        return Support(name=name, contact=contact, relationship=relationship)

    return read_list(reader, node, path, "supports", "a list of people to call", one)


def read_professionals(reader: Reader, node: Node, path: Path) -> tuple[Professional, ...]:
    names = Unique(reader, "name")

    def one(item: Node, p: Path) -> Professional | None:
        keys = reader.mapping(
            item,
            p,
            allowed=("name", "role", "contact"),
            required=("name", "role", "contact"),
            expected="a professional",
        )
        if keys is None:
            return None
        name = value_of(keys, "name", lambda n: reader.text(n, (*p, "name"), limits.SHORT))
        ok = names.check(keys["name"][1], (*p, "name"), name) if "name" in keys else False
        role = value_of(keys, "role", lambda n: reader.text(n, (*p, "role"), limits.SHORT))
        contact = value_of(
            keys, "contact", lambda n: reader.text(n, (*p, "contact"), limits.CONTACT)
        )
        if not ok or name is None or role is None or contact is None:
            return None
        return Professional(name=name, role=role, contact=contact)

    return read_list(reader, node, path, "professionals", "a list of professionals", one)


def read_crisis(reader: Reader, node: Node, path: Path) -> CrisisInfo:
    if isinstance(node, ScalarNode) and node.tag == NULL_TAG:
        return CrisisInfo()
    keys = reader.mapping(
        node, path, allowed=("lines", "emergency"), expected="a mapping with lines and/or emergency"
    )
    if keys is None:
        return CrisisInfo()
    names = Unique(reader, "crisis line name")

    def line(item: Node, p: Path) -> CrisisLine | None:
        found = reader.mapping(
            item,
            p,
            allowed=("name", "contact", "text"),
            required=("name", "contact"),
            expected="a crisis line",
        )
        if found is None:
            return None
        name = value_of(found, "name", lambda n: reader.text(n, (*p, "name"), limits.SHORT))
        ok = names.check(found["name"][1], (*p, "name"), name) if "name" in found else False
        contact = value_of(
            found, "contact", lambda n: reader.text(n, (*p, "contact"), limits.CONTACT)
        )
        text = value_of(found, "text", lambda n: reader.text(n, (*p, "text"), limits.SIGN))
        if not ok or name is None or contact is None:
            return None
        return CrisisLine(name=name, contact=contact, text=text)

    lines: tuple[CrisisLine, ...] = ()
    if "lines" in keys:
        lines = read_list(
            reader, keys["lines"][1], (*path, "lines"), "lines", "a list of crisis lines", line
        )
    emergency = value_of(
        keys, "emergency", lambda n: reader.text(n, (*path, "emergency"), limits.EMERGENCY)
    )
    return CrisisInfo(lines=lines, emergency=emergency)
