"""`clinician supporters P`: who the patient chose, what each may receive, consent history.

Only the patient grants, changes or ends a supporter's consent (in the bot); clinicians
read it here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import typer

from bot.domain.model import SCOPES, Consent, Supporter
from clinician_cli.context import Session, run
from clinician_cli.output import JsonOption, emit_json, say, table, when

PatientRef = Annotated[str, typer.Argument(help="Patient reference, e.g. P-0042.")]
DAY = "%Y-%m-%d"


def register(app: typer.Typer) -> None:
    """Add `clinician supporters` to the `clinician` app."""
    app.command("supporters")(supporters_show)


def ordered(scopes: frozenset[str]) -> list[str]:
    return [s for s in SCOPES if s in scopes] + sorted(scopes - set(SCOPES))


def supporter_json(supporter: Supporter, consents: list[Consent], now: datetime) -> dict[str, Any]:
    current = next((c for c in reversed(consents) if c.active(now)), None)
    return {
        "name": supporter.name,
        "status": supporter.status.value,
        "scopes": [] if current is None else ordered(current.scopes),
        "expires_at": None if current is None else current.expires_at,
        "created_at": supporter.created_at,
        "consents": [
            {
                "granted_at": c.granted_at,
                "scopes": ordered(c.scopes),
                "expires_at": c.expires_at,
                "ended_at": c.ended_at,
                "end_reason": c.end_reason,
                "text_version": c.text_version,
            }
            for c in consents
        ],
    }


def supporters_show(patient: PatientRef, as_json: bool = JsonOption) -> None:
    """The patient's supporters and their consent history.

    For each: status, what they may receive, until when, and every consent the patient
    gave or ended. Only the patient can change consent, from the bot.

    Example: clinician supporters P-0042
    """

    async def body(s: Session) -> None:
        found, rows = await s.services.supporters.for_clinician(s.actor, patient)
        now = datetime.now(UTC)
        shown = [supporter_json(supporter, consents, now) for supporter, consents in rows]
        if as_json:
            emit_json(shown)
            return
        if not shown:
            say(f"{found.reference} has no supporters. Patients add them in the bot.")
            return
        table(
            f"{found.reference} supporters",
            ["Name", "Status", "May receive", "Until"],
            [
                (
                    s["name"],
                    s["status"],
                    "\n".join(s["scopes"]) or "nothing",
                    when(s["expires_at"], DAY),
                )
                for s in shown
            ],
        )
        for supporter in shown:
            table(
                f"{supporter['name']}: consent history (UTC)",
                ["Granted", "May receive", "Ended", "Why", "Consent text"],
                [
                    (
                        when(c["granted_at"], DAY),
                        "\n".join(c["scopes"]),
                        when(c["ended_at"], DAY),
                        c["end_reason"] or "",
                        c["text_version"],
                    )
                    for c in supporter["consents"]
                ],
            )

    run(body)
