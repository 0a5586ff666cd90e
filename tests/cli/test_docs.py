"""Every `clinician` command explains itself and is in the clinician guide.

The command tree is read from the Typer app itself (sub-apps included), so a command
added without help text or without a line in docs/clinician-guide.md fails here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from clinician_cli.app import app

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "clinician-guide.md"
PLACEHOLDERS = {"", "todo", "tbd", "...", "help", "placeholder", "no help", "fixme"}


def walk(command: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command and group under ``command``, with its words after `clinician`."""
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from walk(sub, (*path, name))


TREE = list(walk(typer.main.get_command(app), ()))
COMMANDS = [(path, c) for path, c in TREE if path and not getattr(c, "commands", None)]
EVERYTHING = [path for path, _ in TREE]


def full_name(path: tuple[str, ...]) -> str:
    return " ".join(("clinician", *path))


def ids(paths: list[tuple[str, ...]]) -> list[str]:
    return [full_name(p) for p in paths]


def mentions(text: str, name: str) -> bool:
    """``name`` as a whole command: `clinician team add` is not in `clinician team add-member`."""
    return re.search(re.escape(name) + r"(?![\w-])", text) is not None


def command_table(guide: str) -> str:
    """The rows of the table under the guide's "## Commands" heading."""
    section = guide.split("\n## Commands\n", 1)[1].split("\n## ", 1)[0]
    return "\n".join(line for line in section.splitlines() if line.startswith("| `clinician"))


def test_the_tree_is_read_whole() -> None:
    found = {full_name(path) for path, _ in COMMANDS}
    assert {"clinician init", "clinician plan edit", "clinician escalation ack"} <= found
    assert "clinician plan" not in found  # a group, not a command


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=ids([p for p, _ in COMMANDS]))
def test_every_command_has_help_text(path: tuple[str, ...], command: Any) -> None:
    text = (command.help or "").strip()
    assert text.lower().rstrip(".") not in PLACEHOLDERS, full_name(path)
    assert len(text.split()) >= 3, f"{full_name(path)}: help is too thin: {text!r}"


@pytest.mark.parametrize("path", EVERYTHING, ids=["clinician", *ids(EVERYTHING[1:])])
def test_help_exits_0_and_fits_80_columns(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Usage: " + full_name(path) in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=ids([p for p, _ in COMMANDS]))
def test_every_command_is_in_the_guide_and_its_command_table(path: tuple[str, ...]) -> None:
    guide = GUIDE.read_text("utf-8")
    name = full_name(path)
    assert mentions(guide, name), f"{name} is not in {GUIDE.name}"
    assert mentions(command_table(guide), name), f"{name} is not in the guide's command table"


def test_the_guide_walks_through_a_first_patient_in_order() -> None:
    headings = re.findall(r"^## (\d+)\. (.+)$", GUIDE.read_text("utf-8"), re.M)
    assert [int(n) for n, _ in headings] == list(range(1, len(headings) + 1))
    order = [
        "first time",
        "staff",
        "enrol",
        "plan",
        "check-in times",
        "invite",
        "what the patient sees",
        "reading check-ins",
        "alerts",
        "reports",
        "supporters",
        "pausing",
        "audit",
        "keys",
        "outbox",
    ]
    titles = [title.lower() for _, title in headings]
    positions = [next(i for i, t in enumerate(titles) if step in t) for step in order]
    assert positions == sorted(positions), titles
    assert titles[2].startswith("enrol")  # section 3
