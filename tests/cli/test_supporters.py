"""`clinician supporters P` against a real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.model import SupporterStatus
from tests.cli.conftest import Clinic
from tests.cli.seeding import Grant, add_supporter

CHANGED = datetime(2026, 2, 1, 9, 30, tzinfo=UTC)


def sam_changed_his_scopes(clinic: Clinic, reference: str) -> None:
    add_supporter(
        clinic,
        reference,
        "Sam Okafor",
        SupporterStatus.ACTIVE,
        [
            Grant(frozenset({"weekly_summary"}), ended=CHANGED, reason="replaced"),
            Grant(frozenset({"reach_out", "weekly_summary"}), granted=CHANGED),
        ],
    )


def test_supporters_shows_status_scopes_expiry_and_consent_history(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    sam_changed_his_scopes(clinic, ref)
    [sam] = clinic.json("supporters", ref)
    assert (sam["name"], sam["status"], sam["scopes"]) == (
        "Sam Okafor",
        "active",
        ["weekly_summary", "reach_out"],
    )
    assert sam["expires_at"] == "2099-08-01T00:00:00+00:00"
    assert [
        (c["scopes"], c["granted_at"][:10], c["ended_at"], c["end_reason"], c["text_version"])
        for c in sam["consents"]
    ] == [
        (["weekly_summary"], "2026-01-05", "2026-02-01T09:30:00+00:00", "replaced", "2026-11-s1"),
        (["weekly_summary", "reach_out"], "2026-02-01", None, None, "2026-11-s1"),
    ]


def test_a_revoked_supporter_may_receive_nothing(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    add_supporter(
        clinic,
        ref,
        "Jo Marsh",
        SupporterStatus.REVOKED,
        [Grant(frozenset({"crisis_notice"}), ended=CHANGED, reason="revoked")],
    )
    [jo] = clinic.json("supporters", ref)
    assert (jo["status"], jo["scopes"], jo["expires_at"]) == ("revoked", [], None)
    out = clinic.ok("supporters", ref)
    assert "nothing" in out and "revoked" in out


def test_the_table_names_each_supporter_and_fits_80_columns(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    sam_changed_his_scopes(clinic, ref)
    out = clinic.ok("supporters", ref)
    assert "Sam Okafor" in out and "2099-08-01" in out and "replaced" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_a_patient_without_supporters_says_so(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    assert clinic.json("supporters", ref) == []
    assert "has no supporters" in clinic.ok("supporters", ref)


def test_reading_supporters_is_audited(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    clinic.ok("supporters", ref, as_="nurse.okafor")
    log = clinic.json("audit", "log", "--patient", ref)
    assert ("staff:nurse.okafor", "supporters.show") in [(e["actor"], e["action"]) for e in log]


def test_supporters_are_refused_for_another_team_and_unknown_patients(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    assert clinic.run("supporters", ref, as_="dr.lindqvist").exit_code == 4
    assert clinic.run("supporters", "P-9999").exit_code == 3


def test_an_expired_consent_no_longer_counts(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    long_ago = datetime.now(UTC) - timedelta(days=400)
    grant = Grant(frozenset({"reach_out"}), granted=long_ago, expires=long_ago + timedelta(days=91))
    add_supporter(clinic, ref, "Lee Brook", SupporterStatus.ACTIVE, [grant])
    [lee] = clinic.json("supporters", ref)
    assert (lee["scopes"], lee["expires_at"]) == ([], None)
    assert lee["consents"][0]["scopes"] == ["reach_out"]
