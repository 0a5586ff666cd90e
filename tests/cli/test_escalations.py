"""`clinician escalations` and `clinician escalation ...` against a real database."""

from __future__ import annotations

import pytest

from bot.domain.model import Level
from tests.cli.conftest import Clinic
from tests.cli.screen import flat
from tests.cli.seeding import REASON, raise_escalation


def test_the_list_shows_your_teams_escalations_without_reasons(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    eid = raise_escalation(clinic, ref)
    [listed] = clinic.json("escalations", as_="nurse.okafor")
    assert (listed["id"], listed["patient"], listed["level"], listed["status"]) == (
        eid,
        ref,
        "urgent",
        "open",
    )
    assert listed["rule"] == "craving_high"
    assert REASON not in str(listed)
    out = clinic.ok("escalations")
    assert eid in out and "URGENT" in out and REASON not in flat(out)


def test_the_list_hides_other_teams_escalations(clinic: Clinic) -> None:
    raise_escalation(clinic, clinic.add_patient())
    assert clinic.json("escalations", as_="dr.lindqvist") == []
    assert "No escalations." in clinic.ok("escalations", as_="dr.lindqvist")


def test_open_leaves_out_resolved_escalations(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    first = raise_escalation(clinic, ref)
    second = raise_escalation(clinic, ref, rule="sos", level=Level.CRISIS, reason="SOS pressed")
    clinic.ok("escalation", "resolve", first, "--note", "Called back; safe.")
    assert [e["id"] for e in clinic.json("escalations", "--open")] == [second]
    assert {e["id"] for e in clinic.json("escalations")} == {first, second}


def test_the_list_can_be_narrowed_to_one_patient(clinic: Clinic) -> None:
    ours = clinic.add_patient()
    other = clinic.add_patient("Bo Lark")
    raise_escalation(clinic, ours)
    theirs = raise_escalation(clinic, other)
    assert [e["id"] for e in clinic.json("escalations", "--patient", other)] == [theirs]
    refused = clinic.run("escalations", "--patient", ours, as_="dr.lindqvist")
    assert refused.exit_code == 4


def test_show_gives_the_reasons_and_the_timeline(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    eid = raise_escalation(clinic, ref)
    clinic.ok("escalation", "ack", eid, as_="nurse.okafor")
    shown = clinic.json("escalation", "show", eid)
    assert shown["reasons"] == [REASON]
    assert shown["acknowledged_by"] == "Ada Okafor"
    assert [(e["kind"], e["staff"]) for e in shown["events"]] == [
        ("raised", None),
        ("no_recipient", None),
        ("acknowledged", "Ada Okafor"),
    ]
    assert shown["events"][0]["detail"] == f"check-in: {REASON}"
    out = flat(clinic.ok("escalation", "show", eid))
    assert REASON in out and "Acknowledged by Ada Okafor" in out


def test_reading_an_escalation_is_audited(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    eid = raise_escalation(clinic, ref)
    clinic.ok("escalation", "show", eid, as_="nurse.okafor")
    log = clinic.json("audit", "log", "--patient", ref)
    assert ("staff:nurse.okafor", "escalation.show", eid) in [
        (e["actor"], e["action"], e["detail"]) for e in log
    ]


@pytest.mark.parametrize(
    ("reference", "code", "message"),
    [
        ("E-99", 3, "no escalation 'E-99'"),
        ("X-1", 2, "they look like E-17"),
    ],
)
def test_an_unknown_or_malformed_reference_is_refused(
    clinic: Clinic, reference: str, code: int, message: str
) -> None:
    for command in (("show",), ("ack",), ("resolve", "--note", "done")):
        result = clinic.run("escalation", command[0], reference, *command[1:])
        assert result.exit_code == code
        assert message in flat(result.output)


def test_another_team_cannot_read_or_close_an_escalation(clinic: Clinic) -> None:
    eid = raise_escalation(clinic, clinic.add_patient())
    for command in (("show",), ("ack",), ("resolve", "--note", "done")):
        result = clinic.run("escalation", command[0], eid, *command[1:], as_="dr.lindqvist")
        assert result.exit_code == 4
    assert clinic.json("escalation", "show", eid)["status"] == "open"


def test_acknowledging_twice_is_a_conflict(clinic: Clinic) -> None:
    eid = raise_escalation(clinic, clinic.add_patient())
    assert f"Acknowledged {eid}" in clinic.ok("escalation", "ack", eid)
    assert clinic.json("escalation", "show", eid)["status"] == "acknowledged"
    result = clinic.run("escalation", "ack", eid, as_="nurse.okafor")
    assert result.exit_code == 5
    assert "already acknowledged" in result.output


def test_resolving_needs_a_note(clinic: Clinic) -> None:
    eid = raise_escalation(clinic, clinic.add_patient())
    assert clinic.run("escalation", "resolve", eid).exit_code == 2
    blank = clinic.run("escalation", "resolve", eid, "--note", "   ")
    assert blank.exit_code == 2
    assert "--note is empty" in blank.output
    assert clinic.json("escalation", "show", eid)["status"] == "open"


def test_resolving_keeps_the_note_in_the_timeline(clinic: Clinic) -> None:
    eid = raise_escalation(clinic, clinic.add_patient())
    out = clinic.ok("escalation", "resolve", eid, "--note", "Called; safe, seeing her Monday.")
    assert f"Resolved {eid}" in out
    shown = clinic.json("escalation", "show", eid)
    assert (shown["status"], shown["resolved_by"], shown["resolution"]) == (
        "resolved",
        "Dr Sam Rivera",
        "Called; safe, seeing her Monday.",
    )
    assert shown["events"][-1]["detail"] == "Called; safe, seeing her Monday."
    again = clinic.run("escalation", "resolve", eid, "--note", "again")
    assert again.exit_code == 5 and "already resolved" in again.output


def test_escalation_output_fits_80_columns(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    eid = raise_escalation(clinic, ref, reason="A long reason " * 12)
    clinic.ok("escalation", "resolve", eid, "--note", "A long note about what was done " * 5)
    for command in (("escalations",), ("escalation", "show", eid)):
        out = clinic.ok(*command)
        assert max(len(line) for line in out.splitlines()) <= 80
