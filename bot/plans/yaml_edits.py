"""Small edits to a plan's YAML text that keep everything else (comments, layout) as written.

Items are appended after the last item of a block list and removed line by line; only when a
section is not a block list (absent, empty, or written ``[a, b]``) is that one section
re-emitted. Every function takes and returns the whole text.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode


class EditImpossible(ValueError):
    """The text does not have the shape the edit needs."""


def dump(value: object) -> str:
    return yaml.safe_dump(
        value, sort_keys=False, allow_unicode=True, default_flow_style=False, width=10_000
    )


def append_item(text: str, section: str, item: dict[str, Any]) -> str:
    """Add ``item`` at the end of the top-level list ``section`` (creating it if needed)."""
    root = _root(text)
    entry = _entry(root, section)
    if entry is None:
        return text.rstrip("\n") + "\n\n" + dump({section: [item]})
    key, value = entry
    if isinstance(value, SequenceNode) and not value.flow_style and value.value:
        indent = " " * value.start_mark.column
        at = _after(text, value.value[-1])
        lines = dump([item]).splitlines(keepends=True)
        before = text[:at] if text[:at].endswith("\n") else text[:at] + "\n"
        return before + "".join(indent + line for line in lines) + text[at:]
    existing = yaml.safe_load(text[value.start_mark.index : _content_end(value)]) or []
    if not isinstance(existing, list):
        raise EditImpossible(f"{section} is not a list")
    emitted = dump({section: [*existing, item]}).rstrip("\n")
    indent = " " * key.start_mark.column
    emitted = emitted.replace("\n", "\n" + indent)
    return text[: key.start_mark.index] + emitted + text[_content_end(value) :]


def remove_item(text: str, section: str, index: int) -> str:
    """Remove the item at ``index`` of the top-level list ``section``."""
    key, value = _list_entry(_root(text), section)
    return _remove_from_list(text, key, value, index)


def remove_list_value(text: str, section: str, index: int, field: str, item_value: str) -> str:
    """Remove ``item_value`` from the list ``field`` of item ``index`` of ``section``."""
    _, value = _list_entry(_root(text), section)
    item = value.value[index]
    if not isinstance(item, MappingNode):
        raise EditImpossible(f"{section}[{index}] is not a mapping")
    found = next(((k, v) for k, v in item.value if getattr(k, "value", None) == field), None)
    if found is None or not isinstance(found[1], SequenceNode):
        raise EditImpossible(f"{section}[{index}].{field} is not a list")
    field_key, field_list = found
    values = [str(getattr(n, "value", "")) for n in field_list.value]
    if item_value not in values:
        return text
    if field_list.flow_style:
        kept = [v for v in values if v != item_value]
        start, end = field_list.start_mark.index, field_list.end_mark.index
        return text[:start] + "[" + ", ".join(kept) + "]" + text[end:]
    return _remove_from_list(text, field_key, field_list, values.index(item_value))


def _remove_from_list(text: str, key: Node, value: SequenceNode, index: int) -> str:
    if len(value.value) == 1:  # the list becomes empty: write it as []
        return text[: key.end_mark.index] + ": []" + text[_content_end(value) :]
    item = value.value[index]
    dash = text.rfind("-", 0, item.start_mark.index)
    start = text.rfind("\n", 0, dash) + 1
    return text[:start] + text[_after(text, item) :]


def _root(text: str) -> MappingNode:
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(root, MappingNode) or root.flow_style:
        raise EditImpossible("the plan is not written as a block mapping of sections")
    return root


def _entry(root: MappingNode, section: str) -> tuple[Node, Node] | None:
    return next(((k, v) for k, v in root.value if getattr(k, "value", None) == section), None)


def _list_entry(root: MappingNode, section: str) -> tuple[Node, SequenceNode]:
    entry = _entry(root, section)
    if entry is None or not isinstance(entry[1], SequenceNode):
        raise EditImpossible(f"the plan has no {section} list")
    return entry[0], entry[1]


def _content_end(node: Node) -> int:
    """Where the node's own text ends (block collections end at their last value)."""
    if isinstance(node, ScalarNode) or getattr(node, "flow_style", False) or not node.value:
        return int(node.end_mark.index)
    last = node.value[-1]
    return _content_end(last[1] if isinstance(last, tuple) else last)


def _after(text: str, node: Node) -> int:
    """The start of the line after the node's last line (the end of text if none)."""
    end = _content_end(node)
    if end > 0 and text[end - 1] == "\n":  # block scalars end after their line break
        return end
    newline = text.find("\n", end)
    return len(text) if newline == -1 else newline + 1
