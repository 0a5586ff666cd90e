"""`clinician patient discharge` over open escalations, and `patient show` after erasure."""

from __future__ import annotations

from bot.domain.model import Level
from tests.cli.conftest import Clinic
from tests.cli.seeding import REASON, activate, raise_escalation

WHY = "Transferred to the inpatient unit"


def test_a_discharge_with_open_escalations_is_refused_with_their_list(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    activate(clinic, ref)
    urgent = raise_escalation(clinic, ref)
    warn = raise_escalation(clinic, ref, rule="missed_checkins", level=Level.WARN)
    refused = clinic.run("patient", "discharge", ref)
    flat = " ".join(refused.output.split())
    assert refused.exit_code == 5
    assert f"{urgent} urgent (never acknowledged), {warn} warn" in flat
    assert "--force --reason" in flat and "Nothing was changed" in flat
    assert clinic.json("patient", "show", ref)["status"] == "active"


def test_force_without_a_reason_is_refused(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    raise_escalation(clinic, ref)
    refused = clinic.run("patient", "discharge", ref, "--force")
    assert refused.exit_code == 2 and "--force needs --reason" in refused.output


def test_a_forced_discharge_resolves_them_with_the_reason_on_each_timeline(
    clinic: Clinic,
) -> None:
    ref = clinic.add_patient()
    activate(clinic, ref)
    first = raise_escalation(clinic, ref)
    second = raise_escalation(clinic, ref, rule="blocked_bot")
    out = clinic.ok("patient", "discharge", ref, "--force", "--reason", WHY)
    assert f"Resolved {first} (urgent)" in out and f"Resolved {second} (urgent)" in out
    assert f"Discharged {ref}" in out
    assert clinic.json("patient", "show", ref)["open_escalations"] == []
    timeline = " ".join(clinic.ok("escalation", "show", first).split())
    assert f"closed at discharge: {WHY}" in timeline
    audit = clinic.ok("audit", "log", "--patient", ref)
    assert "inpatient" not in audit and "Craving" not in audit


def test_show_after_an_erasure_says_only_that_and_when(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    activate(clinic, ref)
    raise_escalation(clinic, ref)
    clinic.ok("schedule", "set", ref, "--at", "09:00")
    clinic.ok("patient", "erase", ref, "--confirm", ref)
    out = clinic.ok("patient", "show", ref)
    (line,) = out.strip().splitlines()
    assert line.startswith(f"{ref} was erased on ") and line.endswith("nothing else is kept.")
    for leftover in ("Avery", "Plan", "Check-ins", "Supporters", "09:00", REASON):
        assert leftover not in out
    shown = clinic.json("patient", "show", ref)
    assert set(shown) == {"reference", "status", "erased_at"}
    assert (shown["reference"], shown["status"]) == (ref, "erased") and shown["erased_at"]
