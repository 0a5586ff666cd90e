"""How big each benchmark runs: the full scale the targets are stated for, or smaller."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    patients: int  # start-up and tick: patients with two daily schedules each
    due: int  # tick: schedules due at once
    apscheduler_jobs: int  # the one-job-per-schedule comparison
    startup_runs: int  # fresh processes per backend
    dispatch_messages: int  # outbox rows the dispatcher sends
    crisis_bulk: int  # routine invitations being sent while patients press SOS
    crisis_presses: int  # SOS presses measured per backend
    crisis_gap: float  # seconds between presses
    crisis_tick_due: int  # check-ins a tick makes due while patients press SOS
    crisis_tick_window: float  # seconds of presses around that tick (one every half second)
    triage_rounds: int  # triage: times each typical message is assessed
    triage_long_runs: int  # triage: calls per 4,096-character input (the worst is kept)

    @property
    def full(self) -> bool:
        return self.name == "full"


FULL = Scale(
    name="full",
    patients=100_000,
    due=10_000,
    apscheduler_jobs=200_000,
    startup_runs=3,
    dispatch_messages=5_000,
    crisis_bulk=2_000,
    crisis_presses=7,
    crisis_gap=6.0,
    crisis_tick_due=10_000,
    crisis_tick_window=14.0,
    triage_rounds=250,
    triage_long_runs=20,
)
QUICK = Scale(
    name="quick",
    patients=10_000,
    due=1_000,
    apscheduler_jobs=20_000,
    startup_runs=1,
    dispatch_messages=500,
    crisis_bulk=150,
    crisis_presses=2,
    crisis_gap=1.5,
    crisis_tick_due=1_000,
    crisis_tick_window=3.0,
    triage_rounds=25,
    triage_long_runs=5,
)
TINY = Scale(  # the smoke test: proves the benchmarks still run, in seconds
    name="tiny",
    patients=60,
    due=20,
    apscheduler_jobs=100,
    startup_runs=1,
    dispatch_messages=20,
    crisis_bulk=12,
    crisis_presses=1,
    crisis_gap=0.2,
    crisis_tick_due=20,
    crisis_tick_window=1.0,
    triage_rounds=2,
    triage_long_runs=1,
)
SCALES = {s.name: s for s in (FULL, QUICK, TINY)}
