"""`clinician team remove-member`: admins take someone out of a team; it is audited, and
a team always keeps someone to alert.
"""

from __future__ import annotations

from tests.cli.conftest import Clinic


def members(clinic: Clinic, team: str) -> list[str]:
    teams = {t["name"]: t["members"] for t in clinic.json("team", "list")}
    return list(teams[team])


def test_an_admin_takes_a_member_out_of_a_team(clinic: Clinic) -> None:
    out = clinic.ok("team", "remove-member", "Harbor Team", "nurse.okafor")
    assert "no longer a member" in out
    assert members(clinic, "Harbor Team") == ["dr.rivera"]
    actions = [e["action"] for e in clinic.json("audit", "log")]
    assert "team.remove_member" in actions


def test_a_removed_member_no_longer_sees_the_teams_patients(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    clinic.ok("team", "remove-member", "Harbor Team", "nurse.okafor")
    assert clinic.run("patient", "show", ref, as_="nurse.okafor").exit_code == 4


def test_the_next_member_moves_up_when_the_first_is_removed(clinic: Clinic) -> None:
    clinic.ok("team", "add-member", "Harbor Team", "dr.lindqvist")
    clinic.ok("team", "remove-member", "Harbor Team", "dr.rivera")
    clinic.ok("team", "add-member", "Harbor Team", "dr.rivera")
    assert members(clinic, "Harbor Team") == ["nurse.okafor", "dr.lindqvist", "dr.rivera"]


def test_a_clinician_cannot_change_a_team(clinic: Clinic) -> None:
    result = clinic.run("team", "remove-member", "Harbor Team", "dr.rivera", as_="nurse.okafor")
    assert result.exit_code != 0
    assert members(clinic, "Harbor Team") == ["dr.rivera", "nurse.okafor"]


def test_the_last_active_member_stays(clinic: Clinic) -> None:
    result = clinic.run("team", "remove-member", "Summit Team", "dr.lindqvist")
    assert result.exit_code != 0
    assert "last active member" in result.output
    assert members(clinic, "Summit Team") == ["dr.lindqvist"]


def test_someone_outside_the_team_is_not_found(clinic: Clinic) -> None:
    result = clinic.run("team", "remove-member", "Summit Team", "nurse.okafor")
    assert result.exit_code != 0
    assert "not a member" in result.output
