"""`clinician plan ...`: templates, validate, publish, edit, read, diff.

Plan text is health data: it is printed raw (never through Rich markup), and ``plan edit``
keeps its working copy in a private temporary directory that is removed afterwards.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from bot.domain.errors import Conflict
from bot.domain.model import PatientStatus, PlanVersion
from bot.plans.diff import format_diff
from bot.plans.errors import PlanError, PlanInvalid
from bot.plans.parser import validate_plan
from bot.plans.templates import (
    find_placeholders,
    template_description,
    template_names,
    template_text,
)
from bot.services.plans import PlanChanged, Published
from clinician_cli.context import Session, fail, run
from clinician_cli.output import JsonOption, echo, emit_json, say, table, when
from clinician_cli.plan_editing import (
    EDIT_SOURCE,
    Abandoned,
    Draft,
    edit_until_valid,
    editor_command,
    keep_draft,
    run_editor,
)

plan_app = typer.Typer(
    help="Relapse-prevention plans: write, publish, compare.",
    no_args_is_help=True,
)

PatientRef = Annotated[str, typer.Argument(help="Patient reference, e.g. P-0042.")]
NoteOption = Annotated[
    str | None, typer.Option(help="Why this version (kept with it; not sent to the patient).")
]
START_TEMPLATE = "relapse-prevention"


def register(app: typer.Typer) -> None:
    """Add `clinician plan ...` to the `clinician` app (suggestions: see plan_suggestions)."""
    app.add_typer(plan_app, name="plan")


def read_plan_file(file: str) -> str:
    try:
        return Path(file).read_text("utf-8")
    except FileNotFoundError:
        raise fail(f"{file}: no such file") from None
    except IsADirectoryError:
        raise fail(f"{file} is a directory; give the plan's YAML file") from None
    except PermissionError:
        raise fail(f"{file}: permission denied (cannot read it)") from None
    except UnicodeDecodeError:
        raise fail(f"{file} is not UTF-8 text; save it as UTF-8 and try again") from None
    except OSError as exc:
        raise fail(f"{file}: cannot read it ({exc.strerror})") from None


def report_errors(source: str, errors: list[PlanError]) -> None:
    count = "1 problem" if len(errors) == 1 else f"{len(errors)} problems"
    echo(f"{source} is not a valid plan ({count}):", err=True)
    for error in errors:
        echo(f"  {error}", err=True)


def warn_placeholders(text: str, source: str) -> None:
    left = find_placeholders(text, source=source)
    if left:
        echo(f"Warning: {len(left)} placeholder(s) still to fill in; the patient would see them:")
        for problem in left:
            echo(f"  {problem}")


def report_published(published: Published, first: str | None = None) -> None:
    """The new version number and, word for word, what the patient is told."""
    patient = published.patient
    say(f"Published version {published.version.version} of {patient.reference}'s plan.")
    told = patient.linked and patient.status in (PatientStatus.ACTIVE, PatientStatus.PAUSED)
    lines = ([first] if first else []) + published.changes
    if not lines:
        say("Nothing to tell the patient: no change they would see.")
    elif told:
        echo("The patient is told:")
        for line in lines:
            echo(f"  • {line}")
    else:
        say(
            f"Not sent: {patient.reference} is {patient.status.value}"
            + ("" if patient.linked else " and not on Telegram yet")
            + "; they see the plan with /plan once active."
        )


async def staff_usernames(s: Session) -> dict[str, str]:
    return {
        m.id: m.username for m in await s.services.staff.list_staff(s.actor, include_inactive=True)
    }


# --- templates and validation (no database) ------------------------------------------------


@plan_app.command("templates")
def plan_templates(as_json: bool = JsonOption) -> None:
    """List plan templates to start from.

    Example: clinician plan templates
    """
    names = template_names()
    if as_json:
        emit_json([{"name": n, "description": template_description(n)} for n in names])
        return
    table(None, ["Template", "What it is for"], [(n, template_description(n)) for n in names])
    say("Print one with: clinician plan template relapse-prevention > plan.yaml")


@plan_app.command("template")
def plan_template(
    name: Annotated[str, typer.Argument(help="Template name, e.g. relapse-prevention.")],
) -> None:
    """Print a template's YAML to fill in with the patient.

    The comments explain each section; <placeholders> mark what is still to fill in.

    Example: clinician plan template relapse-prevention > plan.yaml
    """
    if name not in template_names():
        raise fail(f"no plan template named {name!r}; templates: {', '.join(template_names())}", 3)
    echo(template_text(name).rstrip("\n"))


@plan_app.command("validate")
def plan_validate(
    file: Annotated[str, typer.Argument(help="The plan's YAML file.")],
) -> None:
    """Check a plan file; list every problem with its line.

    Every problem is listed at once as FILE:LINE:COLUMN (exit 2 if any). Placeholders
    left from a template are warned about.

    Example: clinician plan validate plan.yaml
    """
    text = read_plan_file(file)
    errors = validate_plan(text, source=file)
    if errors:
        report_errors(file, errors)
        raise typer.Exit(2)
    echo(f"{file} is a valid plan.")
    warn_placeholders(text, file)


# --- publishing -------------------------------------------------------------------------


@plan_app.command("set")
def plan_set(
    patient: PatientRef,
    file: Annotated[str, typer.Argument(help="The plan's YAML file.")],
    note: NoteOption = None,
) -> None:
    """Publish a plan file as the patient's next version.

    Prints the new version number and, word for word, what the patient is told.

    Example: clinician plan set P-0042 plan.yaml --note "added payday trigger"
    """
    text = read_plan_file(file)
    errors = validate_plan(text, source=file)
    if errors:
        report_errors(file, errors)
        raise typer.Exit(2)

    async def body(s: Session) -> None:
        try:
            published = await s.services.plans.publish(
                s.actor, patient, text, note=note, source=file
            )
        except PlanInvalid as exc:
            report_errors(file, exc.errors)
            raise typer.Exit(2) from None
        warn_placeholders(text, file)
        report_published(published)

    run(body)


@plan_app.command("edit")
def plan_edit(
    patient: PatientRef,
    note: NoteOption = None,
    template: Annotated[
        str, typer.Option(help="Template to start from if the patient has no plan yet.")
    ] = START_TEMPLATE,
) -> None:
    """Edit the plan in $EDITOR; publish it once it is valid.

    Opens the current version (or a template if there is none) in $EDITOR, else
    $VISUAL, else vi. An invalid save re-opens the file with the problems listed on
    top. Save it unchanged or empty it to give up: nothing is published unless the
    plan is valid, and a valid file saved unchanged publishes nothing.

    Example: EDITOR=nano clinician plan edit P-0042 --note "after session 4"
    """

    async def load(s: Session) -> Draft:
        found, stored = await s.services.plans.current(s.actor, patient)
        if stored is None:
            return Draft(found.reference, None, template_text(template))
        return Draft(found.reference, stored.version, stored.text)

    draft = run(load)
    workdir = Path(tempfile.mkdtemp(prefix="clinician-plan-"))
    try:
        text = edit_until_valid(draft.text, workdir / EDIT_SOURCE, run_editor(editor_command()))
    except Abandoned as exc:
        say(f"Abandoned ({exc}): nothing was saved.")
        raise typer.Exit(1) from None
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if text is None:
        say(f"No changes: nothing was saved for {draft.reference}.")
        return
    edited: str = text

    async def publish(s: Session) -> None:
        try:
            published = await s.services.plans.publish(
                s.actor,
                draft.reference,
                edited,
                note=note,
                source=EDIT_SOURCE,
                expected_version=draft.version,
            )
        except PlanChanged:
            kept = keep_draft(draft.reference, edited)
            raise Conflict(
                f"someone published a new version of {draft.reference}'s plan while you were "
                f"editing; nothing was saved. Your text is in {kept}: compare it with "
                f"`clinician plan show {draft.reference}` and publish with `clinician plan set`"
            ) from None
        warn_placeholders(edited, EDIT_SOURCE)
        report_published(published)

    run(publish)


# --- reading --------------------------------------------------------------------------------


def version_json(v: PlanVersion, authors: dict[str, str]) -> dict[str, Any]:
    return {
        "version": v.version,
        "created_at": v.created_at,
        "author": None if v.author_id is None else authors.get(v.author_id, v.author_id),
        "note": v.note,
    }


@plan_app.command("show")
def plan_show(
    patient: PatientRef,
    version: Annotated[
        int | None, typer.Option(help="An earlier version (default: current).")
    ] = None,
    as_json: bool = JsonOption,
) -> None:
    """Print the plan's YAML and any reasons it is due for review.

    Example: clinician plan show P-0042 --version 2
    """

    async def body(s: Session) -> None:
        view = await s.services.plans.show(s.actor, patient, version)
        about = version_json(view.version, await staff_usernames(s))
        if as_json:
            emit_json(
                {
                    "patient": view.patient.reference,
                    **about,
                    "review": view.review,
                    "text": view.version.text,
                }
            )
            return
        by = f" by {about['author']}" if about["author"] else ""
        echo(
            f"{view.patient.reference} plan, version {view.version.version}, published "
            f"{when(view.version.created_at)} UTC{by}"
        )
        if view.version.note:
            echo(f"Note: {view.version.note}")
        for reason in view.review:
            echo(f"Due for review: {reason}")
        echo("-" * 40)
        echo(view.version.text.rstrip("\n"))

    run(body)


@plan_app.command("history")
def plan_history(patient: PatientRef, as_json: bool = JsonOption) -> None:
    """List the plan's versions: when, by whom, and the note.

    Example: clinician plan history P-0042
    """

    async def body(s: Session) -> None:
        found, versions = await s.services.plans.history(s.actor, patient)
        authors = await staff_usernames(s)
        rows = [version_json(v, authors) for v in versions]
        if as_json:
            emit_json(rows)
            return
        if not rows:
            say(
                f"{found.reference} has no plan yet: clinician plan set {found.reference} plan.yaml"
            )
            return
        table(
            f"{found.reference} plan versions",
            ["Version", "Published (UTC)", "By", "Note"],
            [(r["version"], when(r["created_at"]), r["author"] or "", r["note"]) for r in rows],
        )

    run(body)


@plan_app.command("diff")
def plan_diff(
    patient: PatientRef,
    old: Annotated[int, typer.Argument(metavar="V1", help="The earlier version.")],
    new: Annotated[int, typer.Argument(metavar="V2", help="The later version.")],
) -> None:
    """What changed between two plan versions.

    Section by section: + added, - removed, ~ changed (with each field).

    Example: clinician plan diff P-0042 1 3
    """

    async def body(s: Session) -> None:
        echo(format_diff(await s.services.plans.diff(s.actor, patient, old, new)))

    run(body)
