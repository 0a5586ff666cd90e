"""Benchmark 1: start-up at scale, and the one-job-per-patient approach for comparison.

Target (DESIGN: no APScheduler job per patient): with 100,000 patients and 200,000
schedule rows, a fresh process is ready (store opened, schema and keys checked,
services and runtime built, scheduler jobs registered) within 2 s, with a peak RSS
of at most 150 MB, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bench.databases import BenchDatabase, fresh_database
from bench.processes import Measured, child_environment, measure_child, workdir_ready
from bench.report import Result, median, megabytes, say
from bench.scale import Scale
from bench.seeding import add_team, seed_patients

READY_SECONDS = 2.0
RSS_MB = 150.0
DESIGN_SECONDS, DESIGN_MB = 26, 470


def _start(bdb: BenchDatabase, runs: int) -> list[Measured]:
    env = child_environment(bdb.environment())
    return [measure_child("bench.startup_child", [], env=env, cwd=bdb.workdir) for _ in range(runs)]


async def measure_startup(backend: str, scale: Scale, workdir: Path) -> Result:
    async with fresh_database(backend, workdir) as bdb:
        empty = _start(bdb, 1)[0]
        now = datetime.now(UTC)
        population = await add_team(bdb.store, now)
        await seed_patients(bdb.store, population, scale.patients, now=now)
        say(
            f"  {backend}: seeded {len(population.patient_ids):,} patients "
            f"({population.rows:,} rows) in {population.seconds:.1f} s"
        )
        runs = _start(bdb, scale.startup_runs)
    walls = [r.wall for r in runs]
    rss = max(megabytes(r.report["peak_rss_kb"]) for r in runs)
    phases = {
        name: round(median([r.report["phases"][name] for r in runs]), 3)
        for name in runs[0].report["phases"]
    }
    met = max(walls) <= READY_SECONDS and rss <= RSS_MB
    figures: dict[str, float | int | str | None] = {
        "patients": len(population.patient_ids),
        "schedule_rows": population.schedules,
        "runs": len(runs),
        "ready_s_median": round(median(walls), 3),
        "ready_s_worst": round(max(walls), 3),
        "peak_rss_mb_worst": rss,
        "ready_s_empty_database": round(empty.wall, 3),
        "peak_rss_mb_empty_database": megabytes(empty.report["peak_rss_kb"]),
        "scheduler_jobs": ", ".join(runs[0].report["jobs"]),
        "seed_s": round(population.seconds, 1),
        **{f"in_process_{name}_s": value for name, value in phases.items()},
    }
    return Result(
        benchmark="startup",
        case=backend,
        figures=figures,
        target=f"ready <= {READY_SECONDS:g} s and peak RSS <= {RSS_MB:g} MB",
        met=met,
        summary=(
            f"{len(population.patient_ids):,} patients: ready in {max(walls):.2f} s (worst of "
            f"{len(runs)}), peak RSS {rss:.0f} MB; empty database {empty.wall:.2f} s"
        ),
    )


def measure_apscheduler(scale: Scale, workdir: Path) -> Result:
    run = measure_child(
        "bench.apscheduler_child",
        [str(scale.apscheduler_jobs)],
        env=child_environment(),
        cwd=workdir_ready(workdir),
        timeout=600,
    )
    rss = megabytes(run.report["peak_rss_kb"])
    phases = run.report["phases"]
    return Result(
        benchmark="startup",
        case="apscheduler-job-per-schedule",
        figures={
            "jobs": run.report["jobs"],
            "ready_s": round(run.wall, 2),
            "peak_rss_mb": rss,
            "in_process_jobs_added_s": phases["jobs_added"],
            "in_process_ready_s": phases["ready"],
            "design_says": f"about {DESIGN_SECONDS} s and {DESIGN_MB} MB",
        },
        target="comparison only",
        met=None,
        summary=(
            f"{run.report['jobs']:,} CronTrigger jobs in memory: ready in {run.wall:.1f} s, "
            f"peak RSS {rss:.0f} MB (DESIGN: ~{DESIGN_SECONDS} s, ~{DESIGN_MB} MB)"
        ),
    )


async def run(scale: Scale, backends: list[str], workdir: Path) -> list[Result]:
    results = [
        await measure_startup(backend, scale, workdir / f"startup-{backend}")
        for backend in backends
    ]
    results.append(measure_apscheduler(scale, workdir / "apscheduler"))
    return results
