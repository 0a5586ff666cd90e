"""`clinician schedule ...` and `clinician checkin now` against a real database."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.cli.conftest import Clinic
from tests.cli.screen import flat
from tests.cli.seeding import activate


def test_setting_times_replaces_the_regular_schedule(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    clinic.ok("schedule", "set", ref, "--at", "08:00")
    out = clinic.ok("schedule", "set", ref, "--at", "20:30", "--at", "9:00")
    assert "P-0001 check-ins: 09:00 and 20:30, every day (America/New_York)." in flat(out)
    shown = clinic.json("schedule", "show", ref)
    assert shown["timezone"] == "America/New_York"
    assert [(s["kind"], s["time"], s["days"]) for s in shown["schedules"]] == [
        ("regular", "09:00", "*"),
        ("regular", "20:30", "*"),
    ]


def test_the_next_due_time_is_given_in_their_zone_and_in_utc(clinic: Clinic) -> None:
    ref = clinic.add_patient(tz="Asia/Kolkata")
    clinic.ok("schedule", "set", ref, "--at", "09:00")
    [row] = clinic.json("schedule", "show", ref)["schedules"]
    local = datetime.fromisoformat(row["next_due_local"])
    utc = datetime.fromisoformat(row["next_due_utc"])
    assert local == utc
    assert (local.hour, local.minute, utc.hour, utc.minute) == (9, 0, 3, 30)
    assert utc.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("days", "stored", "shown"),
    [
        ("weekdays", "mon,tue,wed,thu,fri", "weekdays"),
        ("weekends", "sat,sun", "weekends"),
        ("*", "*", "every day"),
        ("Mon, wed,fri", "mon,wed,fri", "mon,wed,fri"),
    ],
)
def test_days_can_be_named_in_several_ways(
    clinic: Clinic, days: str, stored: str, shown: str
) -> None:
    ref = clinic.add_patient()
    clinic.ok("schedule", "set", ref, "--at", "09:00", "--days", days)
    assert clinic.json("schedule", "show", ref)["schedules"][0]["days"] == stored
    assert shown in clinic.ok("schedule", "show", ref)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--at", "25:00"), "time '25:00' is not a time of day"),
        (("--at", "9am"), "use HH:MM on a 24-hour clock"),
        (("--at", "09:00", "--days", "funday"), "days: cannot read 'funday'"),
        (("--at", "09:00", "--days", ""), "days: cannot read nothing"),
        ((), "give at least one --at time"),
        (("--at", "09:00", "--at", "9:00"), "the same time is given twice"),
    ],
)
def test_a_bad_time_or_day_is_refused_and_nothing_changes(
    clinic: Clinic, args: tuple[str, ...], message: str
) -> None:
    ref = clinic.add_patient()
    clinic.ok("schedule", "set", ref, "--at", "07:15")
    result = clinic.run("schedule", "set", ref, *args)
    assert result.exit_code == 2
    assert message in flat(result.output)
    assert [s["time"] for s in clinic.json("schedule", "show", ref)["schedules"]] == ["07:15"]


def test_schedule_commands_are_refused_for_another_team(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    for args in (("set", ref, "--at", "09:00"), ("show", ref), ("preview", ref)):
        assert clinic.run("schedule", *args, as_="dr.lindqvist").exit_code == 4


def test_an_unknown_patient_is_not_found(clinic: Clinic) -> None:
    result = clinic.run("schedule", "set", "P-9999", "--at", "09:00")
    assert result.exit_code == 3


def test_show_says_when_there_is_no_schedule(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    assert "has no check-in times yet" in flat(clinic.ok("schedule", "show", ref))


def test_preview_gives_local_and_utc_times_across_a_clock_change(clinic: Clinic) -> None:
    ref = clinic.add_patient(tz="America/New_York")
    clinic.ok("schedule", "set", ref, "--at", "09:00")
    preview = clinic.json("schedule", "preview", ref, "--from", "2026-03-07", "--days", "2")
    assert [(c["local"], c["utc"]) for c in preview["checkins"]] == [
        ("2026-03-07T09:00:00-05:00", "2026-03-07T14:00:00+00:00"),
        ("2026-03-08T09:00:00-04:00", "2026-03-08T13:00:00+00:00"),
    ]
    out = clinic.ok("schedule", "preview", ref, "--from", "2026-03-07", "--days", "2")
    assert "Sat 2026-03-07 09:00 EST" in out and "Sun 2026-03-08 09:00 EDT" in out
    assert "2026-03-08 13:00" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "07/03/2026"), "is not a date; use YYYY-MM-DD"),
        (("--days", "0"), "--days must be 1 to 60"),
        (("--days", "61"), "--days must be 1 to 60"),
    ],
)
def test_preview_refuses_a_bad_start_or_length(
    clinic: Clinic, args: tuple[str, ...], message: str
) -> None:
    ref = clinic.add_patient()
    result = clinic.run("schedule", "preview", ref, *args)
    assert result.exit_code == 2
    assert message in flat(result.output)


def test_every_output_line_fits_80_columns(clinic: Clinic) -> None:
    ref = clinic.add_patient(tz="America/Argentina/ComodRivadavia")
    clinic.ok("schedule", "set", ref, "--at", "09:00", "--at", "21:45", "--days", "mon,thu")
    for command in (("show", ref), ("preview", ref, "--days", "14")):
        out = clinic.ok("schedule", *command)
        assert max(len(line) for line in out.splitlines()) <= 80


# --- checkin now ------------------------------------------------------------------------


def test_checkin_now_queues_a_checkin_for_an_active_patient(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    activate(clinic, ref)
    out = clinic.ok("checkin", "now", ref.lower())
    assert f"Check-in queued for {ref}" in flat(out)
    assert [(m["patient"], m["purpose"]) for m in clinic.json("outbox")] == [(ref, "checkin")]
    log = clinic.json("audit", "log", "--patient", ref)
    assert ("staff:dr.rivera", "checkin.now") in [(e["actor"], e["action"]) for e in log]


def test_checkin_now_needs_an_active_patient(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    result = clinic.run("checkin", "now", ref)
    assert result.exit_code == 5
    assert "is invited" in result.output
    assert clinic.json("outbox") == []


def test_checkin_now_is_refused_for_another_team(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    activate(clinic, ref)
    assert clinic.run("checkin", "now", ref, as_="dr.lindqvist").exit_code == 4
    assert clinic.json("outbox") == []
