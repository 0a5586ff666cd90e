"""`clinician checkins` against a real database, with a seeded history of check-ins."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from tests.cli.conftest import Clinic
from tests.cli.history import LONG_NOTE, seed_history


def test_the_table_shows_answers_in_words_with_risk_and_reasons(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    seed_history(clinic, ref)
    out = clinic.ok("checkins", ref)
    assert f"{ref} check-ins (times in America/New_York)" in out
    for words in ("craving 8/10", "mood 3/10", "use: no", "feeling: tense", "urgent", "missed"):
        assert words in out
    assert "triggers: Payday, An argument" in out  # labels, not the plan's ids
    assert "craving 8 ≥ 8" in out
    assert "triggers: none" in out
    assert "note: skipped" in out
    assert LONG_NOTE not in out  # free text is shortened
    assert "2 of 3 completed." in out


def test_times_in_the_table_are_local_to_the_patient(clinic: Clinic) -> None:
    ref = clinic.add_patient(tz="Asia/Tokyo")
    history = seed_history(clinic, ref)
    out = clinic.ok("checkins", ref)
    tokyo = history.now - timedelta(days=1) + timedelta(hours=9)
    assert tokyo.strftime("%Y-%m-%d %H:%M") in out


def test_the_json_lists_each_checkin_with_raw_values_and_words(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    history = seed_history(clinic, ref)
    data = clinic.json("checkins", ref)
    assert data["patient"] == ref and data["timezone"] == "America/New_York"
    by_id = {c["id"]: c for c in data["checkins"]}
    assert [c["id"] for c in data["checkins"]] == [history.missed, history.high, history.calm]
    high = by_id[history.high]
    assert high["status"] == "completed" and high["risk_level"] == "urgent"
    assert high["risk_reasons"] == ["craving 8 ≥ 8"]
    assert high["due_local"].endswith(("-04:00", "-05:00"))
    triggers = next(a for a in high["answers"] if a["question_id"] == "triggers")
    assert triggers == {
        "question_id": "triggers",
        "kind": "triggers",
        "value": ["payday", "argument"],
        "text": "triggers: Payday, An argument at home",
        "answered_at": triggers["answered_at"],
    }
    assert by_id[history.missed]["answers"] == [] and by_id[history.missed]["status"] == "missed"


def test_since_leaves_out_earlier_checkins(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    history = seed_history(clinic, ref)
    since = (history.now - timedelta(days=1)).astimezone(ZoneInfo("America/New_York")).date()
    data = clinic.json("checkins", ref, "--since", since.isoformat())
    assert [c["id"] for c in data["checkins"]] == [history.calm]


def test_a_malformed_since_date_is_refused(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    result = clinic.run("checkins", ref, "--since", "last week")
    assert result.exit_code == 2
    assert "use YYYY-MM-DD" in result.output


def test_checkins_without_a_plan_are_read_with_the_default_questions(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    seed_history(clinic, ref, with_plan=False)
    out = clinic.ok("checkins", ref)
    assert "craving 8/10" in out and "use: no" in out


def test_a_patient_with_no_checkins_gets_a_plain_sentence(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    assert f"No check-ins for {ref} since" in clinic.ok("checkins", ref)


def test_reading_checkins_is_audited(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    clinic.ok("checkins", ref, as_="nurse.okafor")
    log = clinic.json("audit", "log", "--patient", ref)
    assert any(e["action"] == "checkin.list" and e["actor"] == "staff:nurse.okafor" for e in log)


def test_a_clinician_outside_the_team_is_refused_and_the_attempt_audited(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    seed_history(clinic, ref)
    result = clinic.run("checkins", ref, "--json", as_="dr.lindqvist")
    assert result.exit_code == 4
    assert "not in any of your care teams" in result.output
    assert "craving" not in result.output
    log = clinic.json("audit", "log", "--patient", ref)
    assert any(
        e["action"] == "denied:checkin.list" and e["actor"] == "staff:dr.lindqvist" for e in log
    )


def test_an_erased_patient_has_nothing_left_to_read(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    seed_history(clinic, ref)
    clinic.ok("patient", "erase", ref, "--confirm", ref)
    result = clinic.run("checkins", ref)
    assert result.exit_code == 5
    assert "was erased" in result.output
