"""``python -m bench [NAME ...] [--quick]``: run the benchmarks and print their verdicts.

Names: startup, tick, dispatch, crisis, triage (all when none is given). SQLite always;
PostgreSQL too when ``COMPANION_BENCH_POSTGRES_URL`` or ``COMPANION_TEST_POSTGRES_URL``
is set (triage uses no database and runs once). Results are appended to
``bench/results/results.jsonl``. The exit status is 1 when a target was not met at full
scale.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
from pathlib import Path

from bench import BENCHMARKS, run_benchmarks
from bench.databases import backends, postgres_version
from bench.report import RESULTS_FILE, environment, keep, say, show
from bench.scale import FULL, QUICK, SCALES


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME", help=", ".join(BENCHMARKS))
    parser.add_argument("--quick", action="store_true", help="a smaller scale (a smoke run)")
    parser.add_argument("--scale", choices=sorted(SCALES), help="full, quick or tiny")
    parser.add_argument("--backend", choices=["sqlite", "postgres"], help="only this backend")
    return parser.parse_args(argv)


async def _main(argv: list[str] | None) -> int:
    args = _arguments(argv)
    unknown = sorted(set(args.names) - set(BENCHMARKS))
    if unknown:
        say(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
        return 2
    scale = SCALES[args.scale] if args.scale else (QUICK if args.quick else FULL)
    names = list(args.names) or list(BENCHMARKS)
    chosen = backends(args.backend)
    if not chosen:
        say(f"backend {args.backend} is not available (set COMPANION_BENCH_POSTGRES_URL)")
        return 2
    env = environment()
    pg = await postgres_version() if "postgres" in chosen else None
    say(
        f"Benchmarks {', '.join(names)} at {scale.name} scale on {', '.join(chosen)} - "
        f"{env['date']}, {env['cpus']} CPUs (load {env['load_average_1m']}), "
        f"commit {env['commit']}, Python {env['python']}, SQLite {env['sqlite']}"
        + (f", PostgreSQL {pg}" if pg else " (PostgreSQL: not configured)")
    )
    if not scale.full:
        say("Targets are stated for the full scale; verdicts at this scale only show it runs.")
    unmet = 0
    with tempfile.TemporaryDirectory(prefix="companion-bench-") as tmp:
        async for result in run_benchmarks(names, scale, chosen, Path(tmp)):
            show(result)
            keep(result, scale=scale.name, postgres_version=pg)
            unmet += result.met is False
    say(f"Results appended to {RESULTS_FILE}")
    return 1 if unmet and scale.full else 0


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.WARNING)
    sys.exit(asyncio.run(_main(argv)))


if __name__ == "__main__":
    main()
