"""`clinician report` (a printable one-page PNG/PDF) and `clinician export` (JSON, CSV, FHIR).

Both read through :class:`~bot.services.reviews.ReviewService`, so the care-team check and
the audit entry happen before anything is drawn or written; the page itself is drawn in
:mod:`clinician_cli.report_page`. Files are created readable by their owner only: they
hold health data.
"""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import IO, Annotated, Any

import typer

from bot.domain.errors import InvalidInput
from bot.services.fhir import to_bundle
from bot.services.reviews import PatientReview
from clinician_cli.checkins import checkin_json
from clinician_cli.context import Session, fail, run
from clinician_cli.output import console, say
from clinician_cli.patients import patient_json
from clinician_cli.report_page import PAPER_SIZES, draw_report

EXPORT_FORMAT = "relapse-companion-export"
EXPORT_VERSION = 1
CSV_COLUMNS = (
    "patient",
    "checkin_id",
    "checkin_time_utc",
    "checkin_time_local",
    "status",
    "plan_version",
    "question_id",
    "kind",
    "value",
    "answer_text",
    "risk_level",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Paper(StrEnum):
    A4 = "a4"
    LETTER = "letter"


class ExportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    FHIR = "fhir"


PatientArg = Annotated[str, typer.Argument(help="Patient reference, e.g. P-0042.")]


def open_private(path: Path, binary: bool) -> IO[Any]:
    """Create (or truncate) ``path`` with mode 0600: reports and exports are health data."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # also when it already existed with wider permissions
    return os.fdopen(fd, "wb" if binary else "w", encoding=None if binary else "utf-8")


def check_target(out: Path, suffixes: tuple[str, ...] | None) -> None:
    if suffixes is not None and out.suffix.lower() not in suffixes:
        raise fail(
            f"--out {str(out)!r}: the file name must end in {' or '.join(suffixes)} "
            "(that picks the format)",
            2,
        )
    if not out.parent.is_dir():
        raise fail(f"--out {str(out)!r}: folder {str(out.parent)!r} does not exist", 2)


# --- report -------------------------------------------------------------------------------


def report(
    patient: PatientArg,
    out: Annotated[Path, typer.Option("--out", help="File to write: NAME.png or NAME.pdf.")],
    days: Annotated[int, typer.Option(help="How many days back from now (1-366).")] = 30,
    paper: Annotated[Paper, typer.Option(help="Page size, portrait.")] = Paper.A4,
) -> None:
    """A one-page report to print for a session: craving and mood, adherence, triggers,
    coping and escalations over the last N days.

    Example: clinician report P-0042 --out p0042.pdf --days 30
    """
    check_target(out, (".png", ".pdf"))

    async def body(s: Session) -> None:
        with console.status("Reading check-ins…"):
            review = await s.services.reviews.report(s.actor, patient, days=days)
        with console.status("Drawing the report…"):
            author = s.actor.staff.username if s.actor.staff else "system"
            figure = draw_report(review, days=days, author=author, size=PAPER_SIZES[paper.value])
            try:
                with open_private(out, binary=True) as handle:
                    figure.savefig(handle, format=out.suffix.lower()[1:], dpi=150)
            except OSError as exc:
                raise InvalidInput(f"cannot write {out}: {exc.strerror or exc}") from None
        count = len(review.checkins)
        say(f"Wrote {out} (1 page, {days} days, {count} check-ins). It holds health data.")

    run(body)


# --- export -------------------------------------------------------------------------------


def export_json(review: PatientReview, exported_by: str) -> dict[str, Any]:
    return {
        "format": EXPORT_FORMAT,
        "format_version": EXPORT_VERSION,
        "exported_at": review.until,
        "exported_by": exported_by,
        "patient": {**patient_json(review.patient), "team": review.team.name},
        "plans": [
            {
                "version": p.version,
                "created_at": p.stored.created_at,
                "note": p.stored.note,
                "text": p.stored.text,
            }
            for p in review.plans
        ],
        "checkins": [checkin_json(review, v) for v in review.checkins],
        "coping": [
            {
                "id": c.id,
                "kind": c.kind,
                "strategy": c.strategy,
                "title": review.strategy_title(c.strategy),
                "status": c.status,
                "started_at": c.started_at,
                "finished_at": c.finished_at,
                "before": c.before,
                "after": c.after,
                "helped": c.helped,
            }
            for c in review.coping
        ],
        "escalations": [
            {
                "id": e.reference,
                "rule": e.rule,
                "level": e.level.value,
                "status": e.status.value,
                "reasons": list(e.reasons),
                "created_at": e.created_at,
                "acknowledged_at": e.acknowledged_at,
                "resolved_at": e.resolved_at,
                "resolution": e.resolution,
            }
            for e in review.escalations
        ],
    }


def _moment(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(data: Any) -> str:
    return json.dumps(data, default=_moment, indent=2, ensure_ascii=False) + "\n"


def csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)


def safe_cell(text: str) -> str:
    """Keep spreadsheets from running a patient's free text as a formula."""
    if text.startswith(FORMULA_STARTS) and not text.lstrip("-").isdigit():
        return "'" + text
    return text


def export_csv(review: PatientReview) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for view in review.checkins:
        c = view.checkin
        for a in view.answers:
            writer.writerow(
                [
                    review.patient.reference,
                    c.id,
                    c.due_at.isoformat(timespec="seconds"),
                    review.local(c.due_at).isoformat(timespec="seconds"),
                    c.status.value,
                    "" if c.plan_version is None else c.plan_version,
                    a.question_id,
                    a.kind,
                    safe_cell(csv_value(a.value)),
                    safe_cell(a.text),
                    c.risk_level or "",
                ]
            )
    return buffer.getvalue()


def render_export(review: PatientReview, fmt: ExportFormat, exported_by: str) -> str:
    if fmt is ExportFormat.CSV:
        return export_csv(review)
    if fmt is ExportFormat.FHIR:
        return dumps(to_bundle(review, now=review.until))
    return dumps(export_json(review, exported_by))


def export(
    patient: PatientArg,
    fmt: Annotated[
        ExportFormat, typer.Option("--format", help="json (everything), csv (answers), fhir (R4).")
    ] = ExportFormat.JSON,
    out: Annotated[
        Path | None, typer.Option("--out", help="File to write (default: standard output).")
    ] = None,
) -> None:
    """Export a patient's data: JSON (everything you may see), CSV (one row per answer) or a
    FHIR R4 Bundle. The export is recorded in the audit log.

    Example: clinician export P-0042 --format fhir --out p0042-fhir.json
    """
    if out is not None:
        check_target(out, None)

    async def body(s: Session) -> None:
        review = await s.services.reviews.export(s.actor, patient, fmt=fmt.value)
        text = render_export(review, fmt, s.actor.audit_name)
        if out is None:
            typer.echo(text, nl=False)
            return
        try:
            with open_private(out, binary=False) as handle:
                handle.write(text)
        except OSError as exc:
            raise InvalidInput(f"cannot write {out}: {exc.strerror or exc}") from None
        say(f"Wrote {out} ({fmt.value}, {len(review.checkins)} check-ins). It holds health data.")

    run(body)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `clinician` app."""
    app.command("report")(report)
    app.command("export")(export)
