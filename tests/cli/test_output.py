"""What people wrote is printed as they wrote it: never read as Rich markup or emoji codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.model import (
    CareTeam,
    Checkin,
    CheckinStatus,
    Patient,
    PatientStatus,
    SupporterStatus,
)
from bot.services.reviews import AnswerView, CheckinView, PatientReview
from clinician_cli.checkins import print_checkins
from clinician_cli.output import say, table
from tests.cli.conftest import Clinic
from tests.cli.screen import flat
from tests.cli.seeding import Grant, add_supporter, raise_escalation

NAME = "Robin [bold]Lee[/bold]"
WRITTEN = [
    NAME,
    "[red]call me[/red]",
    "[link=https://example.org]here[/link]",
    ":bomb: after the shift",
    "C:\\notes\\",  # a trailing backslash is not doubled
]


@pytest.mark.parametrize("text", WRITTEN)
def test_a_line_is_printed_as_written(capsys: pytest.CaptureFixture[str], text: str) -> None:
    say(f"Note: {text}")
    assert capsys.readouterr().out == f"Note: {text}\n"


@pytest.mark.parametrize("text", WRITTEN)
def test_a_table_prints_its_title_and_cells_as_written(
    capsys: pytest.CaptureFixture[str], text: str
) -> None:
    table(f"{text} supporters", ["Name", "Count"], [(text, 3), (None, "")])
    out = capsys.readouterr().out
    assert out.splitlines()[0].strip() == f"{text} supporters"
    assert f"│ {text} │" in out


def test_answers_and_risk_reasons_in_the_checkins_table_are_printed_as_written(
    capsys: pytest.CaptureFixture[str],
) -> None:
    now = datetime(2025, 3, 14, 18, 0, tzinfo=UTC)
    patient = Patient("p1", "P-0042", "t1", PatientStatus.ACTIVE, "UTC", now, now)
    checkin = Checkin("c1", "p1", now, "scheduled", CheckinStatus.COMPLETED, now)
    answer = AnswerView("note", "text", "[b]x[/b]", "note: “[b]x[/b]”", now)
    review = PatientReview(
        patient,
        CareTeam("t1", "Harbor Team", now),
        now - timedelta(days=1),
        now,
        (),
        (CheckinView(checkin, (answer,), ("[i]reason[/i]",)),),
        (),
        (),
    )
    print_checkins(review)
    out = capsys.readouterr().out
    assert "note: “[b]x[/b]”" in out and "[i]reason[/i]" in out


def test_a_patient_named_with_brackets_is_shown_by_name(clinic: Clinic) -> None:
    ref = clinic.add_patient(NAME)
    assert f"│ {NAME} " in clinic.ok("patient", "show", ref)
    assert clinic.json("patient", "show", ref)["name"] == NAME


def test_an_escalation_note_with_brackets_is_shown_as_written(clinic: Clinic) -> None:
    eid = raise_escalation(clinic, clinic.add_patient(), reason="Wrote [bold]help[/bold]")
    note = "Called [red]twice[/red]; safe :bomb:"
    clinic.ok("escalation", "resolve", eid, "--note", note)
    out = clinic.ok("escalation", "show", eid)
    assert f"Resolution: {note}" in out
    assert "• Wrote [bold]help[/bold]" in out
    assert note in flat(out.replace("│", " "))  # in the timeline too


def test_a_supporter_named_with_brackets_is_shown_as_written(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    name = "Jo [i]Marsh[/i]"
    add_supporter(clinic, ref, name, SupporterStatus.ACTIVE, [Grant(frozenset({"reach_out"}))])
    out = clinic.ok("supporters", ref)
    assert f"│ {name} " in out
    assert f"{name}: consent history (UTC)" in out


def test_a_plan_note_with_brackets_is_shown_as_written(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    template = clinic.ok("plan", "template", "relapse-prevention")
    plan = clinic.root / "plan.yaml"
    plan.write_text(template, "utf-8")
    clinic.ok("plan", "set", ref, str(plan), "--note", "[v2] after session")
    assert "[v2] after session" in clinic.ok("plan", "history", ref)


def test_a_staff_name_with_brackets_is_shown_as_written(clinic: Clinic) -> None:
    out = clinic.ok("staff", "add", "nurse.bell", "--name", "Sam [dim]Bell[/dim]")
    assert "Added clinician 'nurse.bell' (Sam [dim]Bell[/dim])." in out
