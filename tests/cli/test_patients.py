"""`clinician patient ...` against a real database."""

from __future__ import annotations

import asyncio

from tests.cli.conftest import Clinic


def test_adding_a_patient_prints_their_reference(clinic: Clinic) -> None:
    out = clinic.ok(
        "patient",
        "add",
        "--name",
        "Avery Quill",
        "--timezone",
        "America/Chicago",
        as_="nurse.okafor",
    )
    assert "Enrolled P-0001 (America/Chicago)" in out


def test_an_invalid_time_zone_is_refused_with_suggestions(clinic: Clinic) -> None:
    result = clinic.run("patient", "add", "--name", "Avery Quill", "--timezone", "new york")
    assert result.exit_code == 2
    assert "Did you mean America/New_York" in result.output


def test_a_clinician_in_several_teams_must_choose_one(clinic: Clinic) -> None:
    clinic.ok("team", "add-member", "Summit Team", "dr.rivera")
    result = clinic.run("patient", "add", "--name", "Bo Lark", "--timezone", "Europe/London")
    assert result.exit_code == 2
    assert "choose one with --team" in result.output
    clinic.ok(
        "patient",
        "add",
        "--name",
        "Bo Lark",
        "--timezone",
        "Europe/London",
        "--team",
        "Summit Team",
    )


def test_patient_list_shows_only_your_teams(clinic: Clinic) -> None:
    ours = clinic.add_patient("Avery Quill")
    clinic.ok(
        "patient", "add", "--name", "Cass Moreno", "--timezone", "Europe/London", as_="dr.lindqvist"
    )
    listed = clinic.json("patient", "list", as_="nurse.okafor")
    assert [p["reference"] for p in listed] == [ours]
    assert listed[0]["name"] == "Avery Quill"


def test_a_clinician_outside_the_team_is_refused_and_the_attempt_audited(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    result = clinic.run("patient", "show", ref, as_="dr.lindqvist")
    assert result.exit_code == 4
    assert "not in any of your care teams" in result.output
    log = clinic.json("audit", "log", "--patient", ref)
    assert any(
        e["action"] == "denied:patient.show" and e["actor"] == "staff:dr.lindqvist" for e in log
    )


def test_an_unknown_reference_says_how_references_look(clinic: Clinic) -> None:
    result = clinic.run("patient", "show", "P-9999")
    assert result.exit_code == 3
    assert "references look like P-0042" in result.output


def test_patient_show_gives_the_overview(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    shown = clinic.json("patient", "show", ref)
    assert shown["status"] == "invited"
    assert shown["team"] == "Harbor Team"
    assert shown["plan_version"] is None and shown["open_escalations"] == []


def test_an_invite_gives_a_single_use_deep_link(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    invite = clinic.json("patient", "invite", ref)
    assert invite["link"] == f"https://t.me/companion_test_bot?start={invite['code']}"
    assert invite["code"].startswith("p_") and len(invite["code"]) == 22


def link_telegram(clinic: Clinic, username: str, chat_id: int) -> None:
    """As `/start <code>` from the staff member's Telegram would."""

    async def go() -> None:
        async with clinic.store() as db, db.uow() as uow:
            staff = await uow.staff.by_username(username)
            assert staff is not None
            await uow.staff.link_telegram(staff.id, chat_id)
            await uow.commit()

    asyncio.run(go())


def test_an_invite_warns_when_nobody_on_the_team_can_be_alerted(clinic: Clinic) -> None:
    ref = clinic.add_patient()  # Harbor Team: nobody has linked Telegram yet
    out = clinic.ok("patient", "invite", ref)
    assert "Warning: nobody on this patient's team can receive alerts yet" in out
    assert "clinician staff link-telegram" in out
    assert clinic.json("patient", "invite", ref)["team_can_be_alerted"] is False
    link_telegram(clinic, "nurse.okafor", 880011)
    assert "Warning" not in clinic.ok("patient", "invite", ref)
    assert clinic.json("patient", "invite", ref)["team_can_be_alerted"] is True


def test_pause_resume_and_discharge_change_status(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    result = clinic.run("patient", "pause", ref)
    assert result.exit_code == 5 and "is invited; cannot pause" in result.output
    clinic.ok("patient", "discharge", ref)
    assert clinic.json("patient", "show", ref)["status"] == "discharged"
    clinic.ok("patient", "resume", ref)
    assert clinic.json("patient", "show", ref)["status"] == "invited"


def test_erasing_needs_the_reference_typed_again(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    refused = clinic.run("patient", "erase", ref, input="P-0002\n")
    assert refused.exit_code == 2 and "nothing was erased" in refused.output
    assert clinic.json("patient", "show", ref)["name"] == "Avery Quill"
    clinic.run("patient", "erase", ref, input=f"{ref}\n")
    shown = clinic.json("patient", "show", ref)
    assert shown["status"] == "erased" and shown["name"] is None


def test_audit_verify_reports_an_intact_chain(clinic: Clinic) -> None:
    clinic.add_patient()
    out = clinic.ok("audit", "verify")
    assert "Audit log intact" in out


def test_every_patient_read_is_audited_with_the_staff_member(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    clinic.ok("patient", "show", ref, as_="nurse.okafor")
    log = clinic.json("audit", "log", "--patient", ref)
    assert ("staff:nurse.okafor", "patient.show") in [(e["actor"], e["action"]) for e in log]


def test_the_whole_audit_log_is_for_admins(clinic: Clinic) -> None:
    result = clinic.run("audit", "log", as_="nurse.okafor")
    assert result.exit_code == 4


def test_keys_rotate_keeps_patients_readable(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    out = clinic.ok("keys", "rotate")
    assert "data keys re-wrapped" in out
    assert clinic.json("patient", "show", ref)["name"] == "Avery Quill"


def test_keys_rotate_is_for_admins(clinic: Clinic) -> None:
    assert clinic.run("keys", "rotate", as_="nurse.okafor").exit_code == 4


def test_outbox_lists_nothing_on_a_new_installation(clinic: Clinic) -> None:
    assert clinic.json("outbox") == []


def test_a_team_policy_is_shown_and_changed_by_an_admin(clinic: Clinic) -> None:
    shown = clinic.json("team", "policy", "Harbor Team")
    assert (shown["crisis_minutes"], shown["urgent_minutes"]) == (5, 30)
    changed = clinic.json(
        "team", "policy", "Harbor Team", "--urgent-minutes", "20", "--business-hours", "08:00-18:00"
    )
    assert (changed["urgent_minutes"], changed["business_hours"]) == (20, "08:00-18:00")
    refused = clinic.run(
        "team", "policy", "Harbor Team", "--crisis-minutes", "3", as_="nurse.okafor"
    )
    assert refused.exit_code == 4
    bad = clinic.run("team", "policy", "Harbor Team", "--business-hours", "9 to 5")
    assert bad.exit_code == 2 and "09:00-17:00" in bad.output
