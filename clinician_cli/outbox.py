"""`clinician outbox`: delivery status of messages to patients, staff and supporters."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.domain.ids import short_id
from clinician_cli.context import Session, run
from clinician_cli.output import JsonOption, emit_json, table, when


def outbox(
    failed: Annotated[bool, typer.Option("--failed", help="Only messages that failed.")] = False,
    limit: Annotated[int, typer.Option(help="At most this many (newest first).")] = 50,
    as_json: bool = JsonOption,
) -> None:
    """Show recent outgoing messages: status, attempts and last error (never content)."""

    async def body(s: Session) -> None:
        rows, refs = await s.services.outbox.listing(s.actor, failed_only=failed, limit=limit)
        data = [
            {
                "id": short_id(r.id),
                "recipient": r.recipient_kind,
                "patient": refs.get(r.patient_id or "", None),
                "purpose": r.purpose,
                "priority": r.priority,
                "status": r.status.value,
                "attempts": r.attempts,
                "last_error": r.last_error,
                "created_at": r.created_at,
                "sent_at": r.sent_at,
            }
            for r in rows
        ]
        if as_json:
            emit_json(data)
            return
        table(
            None,
            ["Created", "To", "Patient", "Purpose", "Status", "Tries", "Last error"],
            [
                (
                    when(r.created_at),
                    d["recipient"],
                    d["patient"] or "",
                    d["purpose"],
                    d["status"],
                    d["attempts"],
                    d["last_error"] or "",
                )
                for r, d in zip(rows, data, strict=True)
            ],
        )

    run(body)
