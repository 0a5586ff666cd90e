"""`plan edit`'s loop: the plan in $EDITOR until it validates, or the clinician gives up.

An invalid save re-opens the file with the problems as ``# ERROR`` comments on top, their
line numbers counting the re-opened file; the comments are stripped before checking
again. Saving unchanged after errors, or emptying the file, abandons the edit. A text
that could not be published is kept in a draft file readable by its owner only.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from bot.plans.errors import PlanError
from bot.plans.parser import validate_plan
from clinician_cli.context import fail
from clinician_cli.output import echo

EDIT_SOURCE = "plan.yaml"
ERROR_MARK = "# ERROR "
ERROR_HINT = (
    "# ^ Fix these (line numbers count this file), save and close. "
    "To give up, save it unchanged or empty it."
)


@dataclass(frozen=True)
class Draft:
    """What ``plan edit`` starts from: the current version's text, or a template."""

    reference: str
    version: int | None  # the version being edited; None: no plan yet
    text: str


class Abandoned(Exception):
    """The clinician gave up editing; the reason says how."""


def with_error_header(body: str, errors: list[PlanError]) -> str:
    """The text re-opened after a failed save: errors on top, located in this very file."""
    shift = len(errors) + 1
    lines = [
        ERROR_MARK + str(replace(e, line=e.line + shift, message=" ".join(e.message.split())))
        for e in errors
    ]
    return "\n".join([*lines, ERROR_HINT, body])


def without_error_header(text: str) -> str:
    lines = text.split("\n")
    start = 0
    while start < len(lines) and (
        lines[start].startswith(ERROR_MARK) or lines[start].rstrip() == ERROR_HINT
    ):
        start += 1
    return "\n".join(lines[start:])


def edit_until_valid(original: str, path: Path, open_editor: Callable[[Path], None]) -> str | None:
    """Edit until the text validates: the valid text, or None when nothing changed.

    Raises :class:`Abandoned` when the file is emptied, or saved unchanged after errors.
    """
    body, shown = original, original
    while True:
        path.write_text(shown, "utf-8")
        open_editor(path)
        edited = without_error_header(path.read_text("utf-8"))
        if not edited.strip():
            raise Abandoned("the file was emptied")
        if edited.rstrip() == body.rstrip():
            if shown == original:
                return None
            raise Abandoned("the file was saved without changes")
        errors = validate_plan(edited, source=EDIT_SOURCE)
        if not errors:
            return None if edited.rstrip() == original.rstrip() else edited
        count = "1 problem" if len(errors) == 1 else f"{len(errors)} problems"
        echo(f"{EDIT_SOURCE} has {count}; re-opening it with them marked at the top.", err=True)
        body, shown = edited, with_error_header(edited, errors)


def editor_command() -> list[str]:
    chosen = os.environ.get("EDITOR") or os.environ.get("VISUAL") or "vi"
    return shlex.split(chosen)


def run_editor(command: list[str]) -> Callable[[Path], None]:
    def open_editor(path: Path) -> None:
        try:
            finished = subprocess.run([*command, str(path)], check=False)  # noqa: S603 - $EDITOR
        except OSError:
            raise fail(
                f"cannot start the editor {command[0]!r}; set EDITOR, e.g. export EDITOR=nano"
            ) from None
        if finished.returncode != 0:
            raise Abandoned(f"the editor exited with status {finished.returncode}")

    return open_editor


def keep_draft(reference: str, text: str) -> Path:
    """Save an edit that could not be published, readable only by this user."""
    path = Path(f"{reference}-plan-draft.yaml")
    number = 1
    while path.exists():
        number += 1
        path = Path(f"{reference}-plan-draft-{number}.yaml")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path
