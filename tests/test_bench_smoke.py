"""The benchmarks still run: each one at a tiny scale, on SQLite and PostgreSQL (triage,
which uses no database, once).

These tests prove that the benchmark code works against today's production code and
that what it measures happened (every due schedule became a check-in, every message
was sent once, the crisis lines reached the patient). They assert nothing about speed:
targets belong to ``make bench`` (docs/benchmarks.md), never to tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import crisis, dispatch, startup, tick, triage
from bench.databases import backends
from bench.scale import TINY
from tests.conftest import POSTGRES_ENV, skip_or_fail_without_postgres

pytestmark = pytest.mark.slow


@pytest.fixture(params=["sqlite", "postgres"])
def bench_backend(request: pytest.FixtureRequest) -> str:
    if request.param not in backends():
        skip_or_fail_without_postgres(f"{POSTGRES_ENV} is not set")
    return str(request.param)


async def test_the_startup_benchmark_starts_a_ready_process_at_tiny_scale(
    bench_backend: str, tmp_path: Path
) -> None:
    result = await startup.measure_startup(bench_backend, TINY, tmp_path)
    assert result.figures["patients"] == TINY.patients
    assert result.figures["schedule_rows"] == 2 * TINY.patients
    assert "checkins.due" in str(result.figures["scheduler_jobs"]).split(", ")


def test_the_one_job_per_schedule_comparison_loads_every_job(tmp_path: Path) -> None:
    result = startup.measure_apscheduler(TINY, tmp_path)
    assert result.figures["jobs"] == TINY.apscheduler_jobs


async def test_the_tick_benchmark_makes_one_checkin_and_message_per_due_schedule(
    bench_backend: str, tmp_path: Path
) -> None:
    result = await tick.measure_tick(bench_backend, TINY, tmp_path)
    figures = result.figures
    assert figures["checkins_created"] == figures["checkin_rows"] == TINY.due
    assert figures["outbox_rows"] == TINY.due
    assert figures["schedules_still_due"] == 0
    assert figures["idle_tick_created"] == 0
    writes = figures["probe_writes_during_tick"]
    assert isinstance(writes, int) and writes > 0


async def test_the_dispatch_benchmark_sends_every_waiting_message_once(
    bench_backend: str, tmp_path: Path
) -> None:
    result = await dispatch.measure_dispatch(bench_backend, TINY, tmp_path)
    assert result.figures["messages"] == result.figures["rows_marked_sent"]
    assert result.figures["messages"] == TINY.dispatch_messages


async def test_the_crisis_benchmark_gets_the_crisis_lines_to_the_patient(
    bench_backend: str, tmp_path: Path
) -> None:
    result = await crisis.measure_crisis(bench_backend, TINY, tmp_path)
    assert result.figures["presses"] == TINY.crisis_presses
    assert result.figures["latency_s_worst"] != float("inf")
    assert result.figures["sandbox_429_answers"] == 0


async def test_the_crisis_benchmark_presses_sos_while_the_bots_own_tick_runs(
    bench_backend: str, tmp_path: Path
) -> None:
    result = await crisis.measure_crisis_during_tick(bench_backend, TINY, tmp_path)
    assert result.figures["checkins_made_by_the_tick"] == TINY.crisis_tick_due
    assert result.figures["latency_s_worst"] != float("inf")


async def test_the_triage_benchmark_times_every_message_and_each_long_input_once(
    tmp_path: Path,
) -> None:
    results = await triage.run(TINY, [], tmp_path)
    typical, *long_inputs = results
    assert typical.figures["calls"] == len(triage.MESSAGES) * TINY.triage_rounds
    returned = str(typical.figures["levels_returned"]).split(", ")
    counts = {level: int(count) for level, count in (item.split() for item in returned)}
    assert set(counts) == {"none", "concern", "crisis"} and all(counts.values())  # a mix
    assert [r.case for r in long_inputs] == [
        "4096-chars",
        *(f"4096-{case}" for case in triage.ADVERSARIAL),
    ]
    assert all(r.figures["chars"] == triage.LENGTH for r in long_inputs)
    assert all(r.figures["runs"] == TINY.triage_long_runs for r in long_inputs)
