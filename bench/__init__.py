"""Benchmarks (not tests): ``make bench`` or ``python -m bench [NAME ...] [--quick]``.

Figures and how to read them: docs/benchmarks.md. This module stays light on purpose:
``bench.startup_child`` is timed from its first line, and importing a package runs its
``__init__`` first.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.report import Result
    from bench.scale import Scale

# name -> module with ``async def run(scale, backends, workdir) -> list[Result]``
BENCHMARKS = {
    "startup": "bench.startup",
    "tick": "bench.tick",
    "dispatch": "bench.dispatch",
    "crisis": "bench.crisis",
    "triage": "bench.triage",  # in-process, no database: runs once, whatever the backends
}


async def run_benchmarks(
    names: list[str], scale: Scale, backends: list[str], workdir: Path
) -> AsyncIterator[Result]:
    """Run the named benchmarks in order, yielding each result as it is measured."""
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown:
        raise ValueError(
            f"unknown benchmarks: {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}"
        )
    for name in names:
        module = importlib.import_module(BENCHMARKS[name])
        for result in await module.run(scale, backends, workdir / name):
            yield result
