"""Output: Rich tables sized for an 80-column terminal, or stable JSON with --json.

Everything printed here is plain text: names, notes, plan labels and answers come from
people, so ``[bold]`` or ``:bomb:`` in them is printed as written, never read as Rich
markup or emoji codes. Nothing in the CLI prints markup on purpose.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

console = Console(width=80, highlight=False, soft_wrap=False)

JsonOption = typer.Option(
    False, "--json", help="Print JSON (stable, documented) instead of a table."
)


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if hasattr(value, "value"):
        return value.value
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def emit_json(data: Any) -> None:
    typer.echo(json.dumps(data, default=_default, indent=2, ensure_ascii=False))


def plain(value: object) -> Text:
    """A cell or line exactly as written (``None`` is empty): no markup, no emoji codes.

    ``rich.markup.escape`` is not enough: it doubles a trailing backslash and leaves
    ``:emoji:`` codes to be replaced.
    """
    return Text("" if value is None else str(value))


def table(
    title: str | None,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    show_lines: bool = False,
    no_wrap: Collection[str] = (),
) -> None:
    """A table whose title and cells are printed as written (see :func:`plain`)."""
    grid = Table(
        title=None if title is None else Text(title, style="table.title"),
        title_justify="left",
        show_lines=show_lines,
        expand=False,
    )
    for column in columns:
        grid.add_column(column, overflow="fold", no_wrap=column in no_wrap)
    for row in rows:
        grid.add_row(*[plain(cell) for cell in row])
    console.print(grid)


def say(message: str) -> None:
    """Print a line for the clinician, exactly as written (wrapped at 80 columns)."""
    console.print(plain(message))


def echo(text: str = "", *, err: bool = False) -> None:
    """Print text exactly as it is, unwrapped (plan YAML, diffs, text the patient is sent)."""
    typer.echo(text, err=err)


def when(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return "" if moment is None else moment.strftime(fmt)
