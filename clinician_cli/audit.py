"""`clinician audit ...`: verify the hash chain, read entries."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from bot.domain.errors import InvalidInput
from clinician_cli.context import Session, run
from clinician_cli.output import JsonOption, emit_json, say, table, when

audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


def parse_date(text: str | None, option: str) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{option} {text!r} is not a date; use YYYY-MM-DD") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@audit_app.command("verify")
def audit_verify() -> None:
    """Check every entry's hash link; report the first broken entry (exit 1 if any)."""

    async def body(s: Session) -> int:
        result = await s.services.audit.verify(s.actor)
        if result.broken is None:
            say(f"Audit log intact: {result.checked} entries verified.")
            return 0
        say(f"Audit log BROKEN at entry {result.broken.seq}: {result.broken.reason}.")
        say(f"{result.checked} entries before it verified. Preserve the database for review.")
        return 1

    code = run(body)
    if code:
        raise typer.Exit(code)


@audit_app.command("log")
def audit_log(
    patient: Annotated[str | None, typer.Option(help="Only this patient (e.g. P-0042).")] = None,
    since: Annotated[str | None, typer.Option(help="From this date (YYYY-MM-DD).")] = None,
    limit: Annotated[int, typer.Option(help="At most this many (newest).")] = 200,
    as_json: bool = JsonOption,
) -> None:
    """Show audit entries: who did what to which patient, when."""

    async def body(s: Session) -> None:
        entries = await s.services.audit.log(
            s.actor, patient_ref=patient, since=parse_date(since, "--since"), limit=limit
        )
        if as_json:
            emit_json(
                [
                    {
                        "seq": e.seq,
                        "at": e.at,
                        "actor": e.actor,
                        "action": e.action,
                        "patient": e.patient_ref,
                        "detail": e.detail,
                        "origin": e.origin,
                    }
                    for e in entries
                ]
            )
            return
        table(
            None,
            ["#", "When (UTC)", "Who", "What", "Patient", "From"],
            [
                (e.seq, when(e.at), e.actor, e.action, e.patient_ref or "", e.origin)
                for e in entries
            ],
        )

    run(body)
