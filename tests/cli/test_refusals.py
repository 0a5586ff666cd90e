"""Every refused command leaves a trace in the audit log, once."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Clinic


def denials(clinic: Clinic) -> list[tuple[str, str]]:
    log = clinic.json("audit", "log")
    return [(e["actor"], e["action"]) for e in log if e["action"].startswith("denied:")]


@pytest.mark.parametrize(
    ("command", "action"),
    [
        (("keys", "rotate"), "denied:keys.rotate"),
        (("audit", "log"), "denied:audit.log"),
        (("staff", "deactivate", "dr.lindqvist"), "denied:staff.deactivate"),
    ],
)
def test_an_admin_only_command_refused_to_a_clinician_is_audited(
    clinic: Clinic, command: tuple[str, ...], action: str
) -> None:
    result = clinic.run(*command, as_="nurse.okafor")
    assert result.exit_code == 4, result.output
    assert denials(clinic) == [("staff:nurse.okafor", action)]


def test_an_unknown_account_is_refused_and_the_attempt_audited(clinic: Clinic) -> None:
    result = clinic.run("patient", "list", as_="dr.nobody")
    assert result.exit_code == 4
    assert "no active staff account named 'dr.nobody'" in result.output
    assert denials(clinic) == [("unknown:dr.nobody", "denied:patient.list")]


def test_a_refusal_a_use_case_already_recorded_is_recorded_once(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    assert clinic.run("patient", "show", ref, as_="dr.lindqvist").exit_code == 4
    assert denials(clinic) == [("staff:dr.lindqvist", "denied:patient.show")]


def test_each_entry_says_which_os_account_and_host_ran_the_command(clinic: Clinic) -> None:
    import getpass
    import socket

    clinic.ok("patient", "list", as_="nurse.okafor")
    log = clinic.json("audit", "log")
    assert {e["origin"] for e in log if e["actor"] == "staff:nurse.okafor"} == {
        f"cli {getpass.getuser()}@{socket.gethostname()}"
    }
