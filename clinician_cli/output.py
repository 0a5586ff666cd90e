"""Output: Rich tables sized for an 80-column terminal, or stable JSON with --json.

Everything printed here is plain text: names, notes, plan labels and answers come from
people, so ``[bold]`` or ``:bomb:`` in them is printed as written, never read as Rich
markup or emoji codes. Nothing in the CLI prints markup on purpose.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

console = Console(width=80, highlight=False, soft_wrap=False)
UNBREAKABLE_WIDTH = 24  # longer tokens (an error text without spaces) may fold
TEXT_MIN_WIDTH = 16  # a column of words keeps at least this
COLUMN_GAP = 3  # each column's padding and the border on its left ("│ x ")
EDGE = 1  # the border closing the last column
FOLD_MIN_WIDTH = 10  # a column of tokens that has to fold keeps at least this
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?( [A-Z]{2,5}| [+-]\d{2}:?\d{2})?")

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
    """A table whose title and cells are printed as written (see :func:`plain`), within 80
    columns: words wrap whole; ids, references, names of things and times (see
    :func:`unbreakable`) never wrap, and only a word longer than its column is folded."""
    cells = [["" if cell is None else str(cell) for cell in row] for row in rows]
    grid = Table(
        title=None if title is None else Text(title, style="table.title"),
        title_justify="left",
        show_lines=show_lines,
        expand=False,
    )
    columns_of = [[row[i] for row in cells if i < len(row)] for i in range(len(columns))]
    kept, widths = column_widths(columns, columns_of, set(no_wrap))
    for index, column in enumerate(columns):
        if index in kept:
            grid.add_column(column, no_wrap=True, overflow="ellipsis")
        else:
            grid.add_column(column, overflow="fold", width=widths[index])
    for row in cells:
        grid.add_row(*[plain(cell) for cell in row])
    console.print(grid)


def column_widths(
    columns: Sequence[str], values: Sequence[Sequence[str]], asked: Collection[str]
) -> tuple[set[int], list[int | None]]:
    """The columns printed unwrapped, and the width of each other one (``None``: as wide
    as its text), together within the console's width.

    Unwrapped: those asked for and the :func:`unbreakable` ones, as long as every column
    of words keeps :data:`TEXT_MIN_WIDTH`. When they do not all fit, times wrap first
    (between date and time), then the widest tokens may fold.
    """
    full = {
        i: max([len(c), *(len(v) for v in values[i])]) + COLUMN_GAP for i, c in enumerate(columns)
    }
    kept = {i for i, c in enumerate(columns) if c in asked or unbreakable(values[i])}

    def need(i: int) -> int:
        return full[i] if i in kept else folded_need(i)

    def folded_need(i: int) -> int:
        if not unbreakable(values[i]):
            return min(full[i], TEXT_MIN_WIDTH + COLUMN_GAP)
        words = [len(w) for v in values[i] for w in v.split()]
        spaced = any(" " in v for v in values[i])
        return min(full[i], (max(words, default=0) if spaced else FOLD_MIN_WIDTH) + COLUMN_GAP)

    width = console.width - EDGE
    while sum(need(i) for i in range(len(columns))) > width:
        saving = [i for i in kept if folded_need(i) < full[i]]  # short ids stay whole
        if not saving:
            break
        spaced = [i for i in saving if any(" " in v for v in values[i])]
        kept.remove(max(spaced or saving, key=lambda i: full[i]))
    flexible = [i for i in range(len(columns)) if i not in kept]
    room = width - sum(full[i] for i in kept)
    if sum(full[i] for i in flexible) <= room:
        return kept, [None] * len(columns)
    spare = max(0, room - sum(need(i) for i in flexible))
    wanted = sum(full[i] - need(i) for i in flexible) or 1
    widths: list[int | None] = [None] * len(columns)
    for i in flexible:
        widths[i] = need(i) - COLUMN_GAP + spare * (full[i] - need(i)) // wanted
    return kept, widths


def unbreakable(values: Sequence[str]) -> bool:
    """A column of short tokens (ids, references, levels, statuses, usernames) or times,
    which would be misread if split across lines."""
    return all(
        len(v) <= UNBREAKABLE_WIDTH and (len(v.split()) <= 1 or TIMESTAMP.fullmatch(v))
        for v in values
    )


def say(message: str) -> None:
    """Print a line for the clinician, exactly as written (wrapped at 80 columns)."""
    console.print(plain(message))


def echo(text: str = "", *, err: bool = False) -> None:
    """Print text exactly as it is, unwrapped (plan YAML, diffs, text the patient is sent)."""
    typer.echo(text, err=err)


def when(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return "" if moment is None else moment.strftime(fmt)
