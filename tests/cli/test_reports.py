"""`clinician report` (PNG/PDF page) and `clinician export` (JSON, CSV, FHIR) on a real database."""

from __future__ import annotations

import csv
import io
import json
import re
import stat
import zlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from matplotlib.image import imread

from bot.domain.model import (
    Answer,
    CareTeam,
    Checkin,
    CheckinStatus,
    CopingSession,
    Patient,
    PatientStatus,
    PlanVersion,
)
from bot.plans.parser import parse_plan
from bot.services.review_summaries import (
    adherence,
    coping_stats,
    summary_lines,
    trigger_counts,
    urge_surfing,
)
from bot.services.reviews import CheckinView, PatientReview, PlanRecord, describe
from clinician_cli.report_page import PAPER_SIZES, draw_report
from clinician_cli.reports import CSV_COLUMNS
from tests.cli.conftest import Clinic
from tests.cli.history import LONG_NOTE, seed_history
from tests.services.fhir_checks import PLAN as FHIR_PLAN
from tests.services.fhir_checks import fhir_problems

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def audit_actions(clinic: Clinic, ref: str) -> list[tuple[str, str, str]]:
    return [
        (e["actor"], e["action"], e["detail"])
        for e in clinic.json("audit", "log", "--patient", ref)
    ]


def pdf_pages(data: bytes) -> tuple[list[bytes], list[bytes]]:
    """(page media boxes, decompressed content streams) of a PDF."""
    boxes = re.findall(rb"/Type /Page\b(?!s).*?/MediaBox \[([^\]]*)\]", data, re.S)
    streams = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            streams.append(zlib.decompress(raw))
        except zlib.error:
            streams.append(raw)
    return boxes, streams


# --- the report ---------------------------------------------------------------------------


def test_the_report_renders_a_png_page_that_is_not_blank(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    seed_history(clinic, ref)
    out = clinic.ok("report", ref, "--out", "session.png")
    assert "Wrote session.png (1 page, 30 days, 3 check-ins)" in out
    path = Path("session.png")
    assert path.read_bytes().startswith(PNG_SIGNATURE)
    pixels = imread(path)
    height, width = pixels.shape[:2]
    assert height > width  # portrait
    assert pixels[..., :3].var() > 0.01  # white paper alone has no variance


@pytest.mark.parametrize(("paper", "size"), [("a4", PAPER_SIZES["a4"]), ("letter", (8.5, 11))])
def test_the_report_renders_a_one_page_pdf_with_content(
    clinic: Clinic, paper: str, size: tuple[float, float]
) -> None:
    ref = clinic.add_patient()
    seed_history(clinic, ref)
    clinic.ok("report", ref, "--out", "session.pdf", "--paper", paper)
    data = Path("session.pdf").read_bytes()
    assert data.startswith(b"%PDF")
    boxes, streams = pdf_pages(data)
    assert len(boxes) == 1
    assert [round(float(n)) for n in boxes[0].split()] == [0, 0, *(round(72 * s) for s in size)]
    assert any(b"BT" in s and s.count(b" l\n") + s.count(b" re\n") > 20 for s in streams)


def test_the_report_file_is_readable_by_its_owner_only(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    clinic.ok("report", ref, "--out", "session.pdf")
    assert stat.S_IMODE(Path("session.pdf").stat().st_mode) == 0o600


def test_a_report_with_no_checkins_still_renders(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    out = clinic.ok("report", ref, "--out", "empty.png")
    assert "0 check-ins" in out
    assert imread(Path("empty.png"))[..., :3].var() > 0.001


@pytest.mark.parametrize("name", ["session.svg", "session", "session.png.txt"])
def test_an_unknown_extension_is_refused_before_anything_is_read(clinic: Clinic, name: str) -> None:
    ref = clinic.add_patient()
    result = clinic.run("report", ref, "--out", name)
    assert result.exit_code == 2
    assert "must end in .png or .pdf" in result.output
    assert not Path(name).exists()
    assert not any(action == "patient.report" for _, action, _ in audit_actions(clinic, ref))


def test_days_out_of_range_are_refused(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    result = clinic.run("report", ref, "--out", "r.png", "--days", "0")
    assert result.exit_code == 2
    assert "--days must be 1 to 366" in result.output


def test_making_a_report_is_audited_with_its_period(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    clinic.ok("report", ref, "--out", "r.pdf", "--days", "7", as_="nurse.okafor")
    assert ("staff:nurse.okafor", "patient.report", "days=7") in audit_actions(clinic, ref)


def test_a_clinician_outside_the_team_gets_no_report(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    seed_history(clinic, ref)
    result = clinic.run("report", ref, "--out", "r.png", as_="dr.lindqvist")
    assert result.exit_code == 4
    assert not Path("r.png").exists()
    assert ("staff:dr.lindqvist", "denied:patient.report", "") in audit_actions(clinic, ref)


def empty_review(name: str = "Avery Quill") -> PatientReview:
    now = datetime(2025, 3, 14, 18, 0, tzinfo=UTC)
    patient = Patient(
        "p1", "P-0042", "t1", PatientStatus.ACTIVE, "America/Chicago", now, now, name=name
    )
    team = CareTeam("t1", "Harbor Team", now)
    return PatientReview(patient, team, now - timedelta(days=30), now, (), (), (), ())


def page_texts(review: PatientReview) -> list[str]:
    figure = draw_report(review, days=30, author="dr.rivera", size=PAPER_SIZES["a4"])
    return [text.get_text() for ax in figure.axes for text in ax.texts]


def test_the_page_says_there_were_no_checkins_rather_than_drawing_nothing() -> None:
    assert "No check-ins in this period" in page_texts(empty_review())


def test_the_page_shows_initials_and_never_the_full_name() -> None:
    texts = " ".join(page_texts(empty_review("Avery Quill")))
    assert "P-0042 (A.Q.)" in texts
    assert "Avery" not in texts and "Quill" not in texts


# --- what the page is drawn from ---------------------------------------------------------

NOW = datetime(2025, 3, 14, 18, 0, tzinfo=UTC)  # 13:00 in Chicago (CDT, UTC-5)


def review_with(
    checkins: list[tuple[str, CheckinStatus, dict[str, object]]],
    coping: Sequence[tuple[str, int | None, int | None, str | None]] = (),
    days: int = 3,
) -> PatientReview:
    """Check-ins as (UTC due time, status, answers by question id), plan of the FHIR tests."""
    patient = Patient("p1", "P-0042", "t1", PatientStatus.ACTIVE, "America/Chicago", NOW, NOW)
    stored = PlanVersion("p1", 1, FHIR_PLAN, NOW - timedelta(days=30))
    plans = (PlanRecord(stored, parse_plan(FHIR_PLAN)),)
    team = CareTeam("t1", "Harbor Team", NOW)
    bare = PatientReview(patient, team, NOW - timedelta(days=days), NOW, plans, (), (), ())
    views = []
    for n, (due, status, answers) in enumerate(checkins):
        moment = datetime.fromisoformat(due).replace(tzinfo=UTC)
        checkin = Checkin(f"c{n}", "p1", moment, "scheduled", status, moment, plan_version=1)
        given = [
            describe(bare, 1, Answer(qid, i, value, moment))
            for i, (qid, value) in enumerate(answers.items())
        ]
        views.append(CheckinView(checkin, tuple(given), ()))
    sessions = tuple(
        CopingSession(f"s{n}", "p1", "strategy", "done", NOW, strategy, before, after, helped)
        for n, (strategy, before, after, helped) in enumerate(coping)
    )
    return replace(bare, checkins=tuple(views), coping=sessions)


def test_adherence_counts_completed_and_missed_or_expired_per_local_day() -> None:
    review = review_with(
        [
            ("2025-03-12T02:00", CheckinStatus.COMPLETED, {}),  # 11 March, 21:00 in Chicago
            ("2025-03-12T14:00", CheckinStatus.EXPIRED, {}),
            ("2025-03-12T23:00", CheckinStatus.MISSED, {}),
            ("2025-03-13T14:00", CheckinStatus.SENT, {}),  # still open: not counted
        ]
    )
    assert [(b.start.day, b.completed, b.missed) for b in adherence(review, weekly=False)] == [
        (11, 1, 0),
        (12, 0, 2),
        (13, 0, 0),
        (14, 0, 0),
    ]


def test_weekly_adherence_buckets_start_on_monday() -> None:
    review = review_with([("2025-03-12T14:00", CheckinStatus.COMPLETED, {})], days=14)
    buckets = adherence(review, weekly=True)
    assert [(b.start.isoformat(), b.completed) for b in buckets] == [
        ("2025-02-24", 0),
        ("2025-03-03", 0),
        ("2025-03-10", 1),
    ]


def test_triggers_are_counted_by_label_most_frequent_first() -> None:
    review = review_with(
        [
            ("2025-03-12T14:00", CheckinStatus.COMPLETED, {"triggers": ["payday", "alone"]}),
            ("2025-03-13T14:00", CheckinStatus.COMPLETED, {"triggers": ["alone"]}),
            ("2025-03-14T14:00", CheckinStatus.COMPLETED, {"triggers": []}),
        ]
    )
    assert trigger_counts(review) == [("Evenings alone", 2), ("Payday", 1)]


def test_coping_is_summed_per_strategy_with_urge_surfing_averages() -> None:
    review = review_with(
        [],
        coping=[
            ("urge_surfing", 8, 4, "yes"),
            ("urge_surfing", 7, None, None),  # abandoned: not in the averages
            ("urge_surfing", 6, 5, "some"),
            ("walk", None, None, "no"),
        ],
    )
    assert [(c.title, c.tried, c.yes, c.some, c.no) for c in coping_stats(review)] == [
        ("Urge surfing", 3, 1, 1, 0),
        ("A walk round the block", 1, 0, 0, 1),
    ]
    surf = urge_surfing(review)
    assert (surf.sessions, surf.rated, surf.before, surf.after) == (3, 2, 7.0, 4.5)


def test_the_summary_gives_averages_and_how_often_use_was_reported() -> None:
    review = review_with(
        [
            ("2025-03-12T14:00", CheckinStatus.COMPLETED, {"craving": 8, "use": True}),
            ("2025-03-13T14:00", CheckinStatus.COMPLETED, {"craving": 3, "use": False}),
        ]
    )
    assert summary_lines(review) == [
        "Answers: craving 5.5 on average (highest 8); use reported 1 of 2 times asked.",
        "Urge surfing: not used in this period.",
        "Escalations: none.",
    ]


# --- exports ------------------------------------------------------------------------------


def test_the_json_export_holds_plan_checkins_coping_and_escalations(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    history = seed_history(clinic, ref)
    data = json.loads(clinic.run("export", ref, "--format", "json").stdout)
    assert data["format"] == "relapse-companion-export" and data["format_version"] == 1
    assert data["patient"]["reference"] == ref and data["patient"]["team"] == "Harbor Team"
    assert [p["version"] for p in data["plans"]] == [1]
    assert "daughter graduate" in data["plans"][0]["text"]
    assert [c["id"] for c in data["checkins"]] == [history.missed, history.high, history.calm]
    assert {c["title"] for c in data["coping"]} == {"Urge surfing", "Slow breathing"}
    assert [(e["level"], e["status"]) for e in data["escalations"]] == [("urgent", "open")]


def test_the_csv_export_has_one_row_per_answer_under_the_documented_header(
    clinic: Clinic,
) -> None:
    ref = clinic.add_patient()
    history = seed_history(clinic, ref)
    rows = list(csv.reader(io.StringIO(clinic.run("export", ref, "--format", "csv").stdout)))
    assert tuple(rows[0]) == CSV_COLUMNS
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert len(records) == 12  # two completed check-ins of six questions; none for the missed
    craving = next(r for r in records if r["checkin_id"] == history.high and r["kind"] == "craving")
    assert (craving["value"], craving["risk_level"]) == ("8", "urgent")
    assert craving["checkin_time_utc"].endswith("+00:00")
    assert craving["checkin_time_local"].endswith(("-04:00", "-05:00"))
    note = next(r for r in records if r["checkin_id"] == history.high and r["kind"] == "text")
    assert note["value"] == "'" + LONG_NOTE  # a spreadsheet will not run it as a formula


def test_the_fhir_export_is_a_self_contained_valid_bundle(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    seed_history(clinic, ref)
    bundle = json.loads(clinic.run("export", ref, "--format", "fhir").stdout)
    assert fhir_problems(bundle) == []
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds == ["Patient", "CarePlan", "Questionnaire"] + ["QuestionnaireResponse"] * 2
    assert "Avery" not in json.dumps(bundle)


def test_an_export_to_a_file_is_private_and_audited_with_its_format(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    seed_history(clinic, ref)
    out = clinic.ok("export", ref, "--format", "fhir", "--out", "p.json")
    assert "Wrote p.json (fhir, 3 check-ins)" in out
    assert json.loads(Path("p.json").read_text())["resourceType"] == "Bundle"
    assert stat.S_IMODE(Path("p.json").stat().st_mode) == 0o600
    assert ("staff:dr.rivera", "patient.export", "format=fhir") in audit_actions(clinic, ref)


def test_a_clinician_outside_the_team_cannot_export(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    seed_history(clinic, ref)
    result = clinic.run("export", ref, "--format", "csv", as_="dr.lindqvist")
    assert result.exit_code == 4
    assert result.stdout == ""
    assert ("staff:dr.lindqvist", "denied:patient.export", "") in audit_actions(clinic, ref)


@pytest.mark.parametrize("command", ["checkins", "report", "export"])
def test_each_command_explains_itself_with_an_example(clinic: Clinic, command: str) -> None:
    assert f"Example: clinician {command} P-0042" in clinic.ok(command, "--help")
