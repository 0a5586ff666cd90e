"""Reading YAML nodes with their line/column marks, collecting every problem on the way.

``yaml.compose`` gives a node tree in which every node knows where it was written. The
``Reader`` turns nodes into plain values and, instead of stopping at the first problem,
records a ``PlanError`` naming the file, line, column, path and what would be valid.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import TypeAlias

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.plans.errors import PlanError
from bot.plans.limits import BUTTON_BYTES, ID_MAX, TextLimit
from bot.plans.model import OFF, Off

PathPart: TypeAlias = str | int
Path: TypeAlias = tuple[PathPart, ...]

NULL_TAG = "tag:yaml.org,2002:null"
BOOL_TAG = "tag:yaml.org,2002:bool"
INT_TAG = "tag:yaml.org,2002:int"
STR_TAG = "tag:yaml.org,2002:str"
ID_PATTERN = re.compile(rf"[a-z0-9][a-z0-9_-]{{0,{ID_MAX - 1}}}")
DIGITS = re.compile(r"[-+]?[0-9]+")

# PyYAML's words for common mistakes -> what to do instead.
SYNTAX_HINTS: tuple[tuple[str, str], ...] = (
    ("found character '\\t'", "indent with spaces, not tabs"),
    ("could not find expected ':'", "each key needs a colon and a space, e.g. 'label: Payday'"),
    (
        "mapping values are not allowed here",
        "check the indentation, and quote a text that contains ': ' "
        '(e.g. label: "Note: call Sam")',
    ),
    ("expected <block end>", "items of one list or mapping must start in the same column"),
    ("expected a single document", "a plan is one YAML document: remove the extra '---'"),
    ("unexpected end of stream", "a quote or bracket was opened and never closed"),
    ("found unknown escape character", "use single quotes, or double the backslash"),
    (
        "while parsing a flow",
        "inside [ ] or { }, put texts containing '?', ':' or ',' in quotes, "
        "e.g. {prompt: 'How are you?'}",
    ),
    ("while scanning an alias", "write '*' in quotes: days: '*'"),
)


def format_path(path: Path) -> str:
    """Render ``("triggers", 2, "coping", 0)`` as ``triggers[2].coping[0]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def describe_node(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping of keys"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == NULL_TAG:
        return "nothing"
    if node.tag == BOOL_TAG:
        return f"true/false ({node.value})"
    if node.tag == INT_TAG or node.tag == "tag:yaml.org,2002:float":
        return f"a number ({node.value})"
    return f"the text {short(str(node.value))!r}"


def short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


MAX_DEPTH = 12  # plans need about five levels; deeper nesting is a mistake or an attack
STANDARD_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "bool", "null", "float", "timestamp", "seq", "map")
)


class _PlanLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases (they can multiply a small text into a huge tree) and
    nesting deeper than ``MAX_DEPTH`` (which would exhaust the stack)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None,
                None,
                "aliases (*name) are not supported in plans; write the text out in full",
                event.start_mark,
            )
        if self.depth >= MAX_DEPTH:
            raise yaml.composer.ComposerError(
                None, None, f"nested more than {MAX_DEPTH} levels deep", event.start_mark
            )
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _check_tags(node: Node, source: str, errors: list[PlanError]) -> None:
    if node.tag not in STANDARD_TAGS:
        mark = node.start_mark
        errors.append(
            PlanError(
                source,
                mark.line + 1,
                mark.column + 1,
                "",
                f"YAML tags such as {node.tag!r} are not supported in plans; remove it",
            )
        )
    if isinstance(node, MappingNode):
        for key, value in node.value:
            _check_tags(key, source, errors)
            _check_tags(value, source, errors)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            _check_tags(item, source, errors)


def compose(text: str, source: str) -> tuple[Node | None, list[PlanError]]:
    """Parse YAML text into a node tree, or report the syntax error with its location."""
    try:
        root = yaml.compose(text, Loader=_PlanLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "not valid YAML"
        message = f"YAML syntax: {problem}"
        if exc.context and exc.problem and exc.context_mark:
            message += f" ({exc.context} at line {exc.context_mark.line + 1})"
        hint = next((h for needle, h in SYNTAX_HINTS if needle in message), None)
        if hint:
            message += f"; {hint}"
        return None, [PlanError(source, line, column, "", message)]
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        line = before.count("\n") + 1
        column = exc.position - (before.rfind("\n") + 1) + 1
        message = f"character {exc.character!r} is not allowed in YAML; remove it"
        return None, [PlanError(source, line, column, "", message)]
    errors: list[PlanError] = []
    if root is not None:
        _check_tags(root, source, errors)
    return (None, errors) if errors else (root, [])


class Reader:
    """Turns nodes into values; every problem is recorded, none is raised."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.errors: list[PlanError] = []

    def error(self, node: Node, path: Path, message: str) -> None:
        mark = node.start_mark
        self.errors.append(
            PlanError(self.source, mark.line + 1, mark.column + 1, format_path(path), message)
        )

    # --- collections -------------------------------------------------------------------

    def mapping(
        self,
        node: Node,
        path: Path,
        *,
        allowed: Sequence[str],
        required: Sequence[str] = (),
        expected: str = "a mapping of keys",
    ) -> dict[str, tuple[Node, Node]] | None:
        """Keys to (key node, value node); unknown, duplicate and missing keys are errors."""
        if not isinstance(node, MappingNode):
            self.error(node, path, f"must be {expected}, not {describe_node(node)}")
            return None
        found: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.error(
                    key_node, path, f"keys must be plain words; valid keys: {_list(allowed)}"
                )
                continue
            key = str(key_node.value)
            if key in found:
                first = found[key][0].start_mark.line + 1
                self.error(key_node, (*path, key), f"duplicate key (first written at line {first})")
                continue
            if key not in allowed:
                self.error(key_node, (*path, key), _unknown("key", key, allowed))
                continue
            found[key] = (key_node, value_node)
        for key in required:
            if key not in found:
                self.error(node, (*path, key), f"is missing; required keys: {_list(required)}")
        return found

    def sequence(
        self, node: Node, path: Path, *, count: tuple[int, int], expected: str
    ) -> list[Node] | None:
        """The items of a list; nothing (an empty value) counts as an empty list."""
        lowest, highest = count
        if isinstance(node, ScalarNode) and node.tag == NULL_TAG:
            items: list[Node] = []
        elif isinstance(node, SequenceNode):
            items = list(node.value)
        else:
            self.error(
                node,
                path,
                f"must be {expected} (lines starting with '- '), not {describe_node(node)}",
            )
            return None
        if len(items) < lowest:
            need = "at least one item" if lowest == 1 else f"at least {lowest} items"
            self.error(node, path, f"needs {need}: {expected}")
        elif len(items) > highest:
            self.error(
                items[highest],
                (*path, highest),
                f"too many items: at most {highest} fit here ({len(items)} given)",
            )
        return items

    # --- scalars -------------------------------------------------------------------------

    def text(self, node: Node, path: Path, limit: TextLimit) -> str | None:
        """A non-empty text within its limit; numbers and words like 'yes' read as written."""
        if not isinstance(node, ScalarNode):
            self.error(node, path, f"must be a text, not {describe_node(node)}")
            return None
        value = "" if node.tag == NULL_TAG and node.style is None else str(node.value)
        value = value.strip()
        if not value:
            self.error(node, path, f"must not be empty: write a text ({limit.describe()})")
            return None
        if len(value) > limit.chars:
            self.error(node, path, f"is {len(value)} characters long; {limit.describe()}")
            return None
        if limit.button and len(value.encode()) > BUTTON_BYTES:
            size = len(value.encode())
            self.error(node, path, f"is {size} bytes long; {limit.describe()}")
            return None
        return value

    def ident(self, node: Node, path: Path) -> str | None:
        if not isinstance(node, ScalarNode) or node.tag == NULL_TAG:
            self.error(node, path, f"must be an id, not {describe_node(node)}; {ID_RULE}")
            return None
        value = str(node.value)
        if not ID_PATTERN.fullmatch(value):
            self.error(node, path, f"{value!r} is not a valid id; {ID_RULE}")
            return None
        return value

    def boolean(self, node: Node, path: Path) -> bool | None:
        if not isinstance(node, ScalarNode) or node.tag != BOOL_TAG:
            self.error(node, path, f"must be true or false, not {describe_node(node)}")
            return None
        return str(node.value).lower() in ("true", "yes", "on")

    def integer(self, node: Node, path: Path, lowest: int, highest: int) -> int | None:
        valid = f"a whole number from {lowest} to {highest}"
        if not isinstance(node, ScalarNode) or not DIGITS.fullmatch(str(node.value)):
            self.error(node, path, f"must be {valid}, not {describe_node(node)}")
            return None
        value = int(str(node.value))
        if not lowest <= value <= highest:
            self.error(node, path, f"{value} is out of range: must be {valid}")
            return None
        return value

    def threshold(self, node: Node, path: Path, lowest: int, highest: int) -> int | Off | None:
        """A whole number, or ``off`` (or false) to switch the rule off."""
        if isinstance(node, ScalarNode) and (
            str(node.value) == OFF
            or (node.tag == BOOL_TAG and str(node.value).lower() in ("false", "no", "off"))
        ):
            return OFF
        valid = f"a whole number from {lowest} to {highest}, or off"
        if not isinstance(node, ScalarNode) or not DIGITS.fullmatch(str(node.value)):
            self.error(node, path, f"must be {valid}, not {describe_node(node)}")
            return None
        value = int(str(node.value))
        if not lowest <= value <= highest:
            self.error(node, path, f"{value} is out of range: must be {valid}")
            return None
        return value

    def choice(self, node: Node, path: Path, choices: Sequence[str], what: str) -> str | None:
        if not isinstance(node, ScalarNode) or node.tag == NULL_TAG:
            self.error(node, path, f"must be one of {_list(choices)}, not {describe_node(node)}")
            return None
        value = str(node.value)
        if value not in choices:
            self.error(node, path, _unknown(what, value, choices))
            return None
        return value


ID_RULE = (
    f"ids are 1 to {ID_MAX} characters: lowercase letters, digits, '-' or '_', "
    "starting with a letter or digit (e.g. call-sam)"
)


def _list(names: Sequence[str]) -> str:
    return ", ".join(names)


def _unknown(what: str, value: str, valid: Sequence[str]) -> str:
    close = difflib.get_close_matches(value, list(valid), n=1)
    guess = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown {what} {value!r}{guess}; valid: {_list(valid)}"
