"""`clinician`: the clinical team's terminal tool. Each noun lives in its own module."""

from __future__ import annotations

from typing import Annotated

import typer

from clinician_cli import (
    checkins,
    escalations,
    plan_suggestions,
    plans,
    reports,
    schedule,
    supporters,
)
from clinician_cli.audit import audit_app
from clinician_cli.context import STATE
from clinician_cli.keys import keys_app
from clinician_cli.outbox import outbox
from clinician_cli.patients import patient_app
from clinician_cli.setup import init
from clinician_cli.staff import staff_app, team_app

app = typer.Typer(
    name="clinician",
    help="Relapse Companion for clinicians: patients, plans, check-ins, alerts, reports.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


@app.callback()
def root(
    as_: Annotated[
        str | None,
        typer.Option("--as", help="Act as this staff username (default: $COMPANION_STAFF)."),
    ] = None,
) -> None:
    """Relapse Companion for clinicians."""
    STATE.as_staff = as_


app.command()(init)
app.add_typer(staff_app, name="staff")
app.add_typer(team_app, name="team")
app.add_typer(patient_app, name="patient")
app.add_typer(audit_app, name="audit")
app.add_typer(keys_app, name="keys")
app.command()(outbox)
for module in (plans, plan_suggestions, schedule, checkins, reports, escalations, supporters):
    module.register(app)


def main() -> None:
    app(prog_name="clinician")
