"""What a benchmark measured, its verdict against the target, and where results are kept.

Each result prints its figures and one verdict line, and is appended as one JSON line
to ``bench/results/results.jsonl`` (with the date, machine and versions), so
``docs/benchmarks.md`` can quote a real run.
"""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).parent / "results"
RESULTS_FILE = RESULTS_DIR / "results.jsonl"
PACKAGES = ("SQLAlchemy", "aiosqlite", "asyncpg", "APScheduler", "python-telegram-bot")

Figure = float | int | str | None


@dataclass
class Result:
    """One benchmark on one backend: figures, the target in words, and whether it was met.

    ``met`` is None for comparisons that have no target of their own.
    """

    benchmark: str
    case: str
    figures: dict[str, Figure]
    target: str
    met: bool | None
    summary: str
    notes: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        if self.met is None:
            return "for comparison"
        return "target met" if self.met else "TARGET NOT MET"

    def line(self) -> str:
        return f"{self.benchmark}/{self.case}: {self.verdict} - {self.summary} [{self.target}]"


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def megabytes(kilobytes: int) -> float:
    return round(kilobytes / 1024, 1)


def commit() -> str:
    """The checked-out commit, with ``+changes`` when the work tree differs from it."""
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}+changes" if dirty else head


def environment() -> dict[str, Any]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "sqlite": sqlite3.sqlite_version,
        "commit": commit(),
        "packages": versions,
    }


def show(result: Result) -> None:
    """Print the figures, then the one-line verdict."""
    for name, value in result.figures.items():
        print(f"    {name}: {value}")
    for note in result.notes:
        print(f"    note: {note}")
    print(result.line(), flush=True)


def keep(result: Result, *, scale: str, postgres_version: str | None = None) -> None:
    """Append the result as one JSON line under ``bench/results/`` (load average included:
    other work on the machine slows every figure)."""
    RESULTS_DIR.mkdir(exist_ok=True)
    row = {
        **asdict(result),
        "verdict": result.verdict,
        "scale": scale,
        "environment": {**environment(), "postgres": postgres_version},
    }
    with RESULTS_FILE.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(row, sort_keys=True) + "\n")


def say(text: str) -> None:
    print(text, file=sys.stdout, flush=True)
