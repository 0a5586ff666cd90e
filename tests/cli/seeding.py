"""What the bot, a patient or a check-in would have written, set up straight in the store.

Each helper opens the installation's store (``Clinic.store``), writes in one unit of work
and closes it, so the `clinician` command under test reads it as it would in life.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from bot.domain.ids import new_id
from bot.domain.model import (
    Consent,
    Level,
    PatientStatus,
    PlanSuggestion,
    Supporter,
    SupporterStatus,
)
from bot.domain.risk import Finding
from bot.services.outgoing import Outgoing
from tests.cli.conftest import Clinic

REASON = "Craving 9 of 10 at the evening check-in"
GRANTED = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
EXPIRES = datetime(2099, 8, 1, tzinfo=UTC)


def activate(clinic: Clinic, reference: str) -> None:
    """The patient linked Telegram and agreed to take part (as onboarding would do)."""

    async def go() -> None:
        async with clinic.store() as db, db.uow() as uow:
            patient = await db.patient(uow, reference)
            now = datetime.now(UTC)
            await uow.patients.update(
                replace(
                    patient,
                    status=PatientStatus.ACTIVE,
                    chat_id=990001,
                    consented_at=now,
                    consent_version="test",
                    updated_at=now,
                )
            )
            await uow.commit()

    asyncio.run(go())


def raise_escalation(
    clinic: Clinic,
    reference: str,
    *,
    rule: str = "craving_high",
    level: Level = Level.URGENT,
    reason: str = REASON,
) -> str:
    """An escalation as a check-in would raise it; returns its reference (E-1, ...)."""

    async def go() -> str:
        async with clinic.store() as db, db.uow() as uow:
            patient = await db.patient(uow, reference)
            now = datetime.now(UTC)
            out = Outgoing(f"test:{rule}:{now.isoformat()}", now)
            [escalation] = await db.services.escalations.raise_findings(
                uow, patient, [Finding(rule, level, reason)], out, source="check-in"
            )
            for message in out.messages:
                await uow.outbox.enqueue(message)
            await uow.commit()
            return escalation.reference

    return asyncio.run(go())


def add_suggestion(clinic: Clinic, reference: str, kind: str, body: dict[str, str]) -> str:
    """A suggestion as the patient makes it from the bot; returns its full id."""

    async def go() -> str:
        async with clinic.store() as db, db.uow() as uow:
            patient = await db.patient(uow, reference)
            suggestion = PlanSuggestion(
                new_id(), patient.id, kind, body, "pending", datetime.now(UTC)
            )
            await uow.plans.add_suggestion(suggestion)
            await uow.commit()
            return suggestion.id

    return asyncio.run(go())


@dataclass(frozen=True)
class Grant:
    """One consent a patient gave a supporter (ended, or still running)."""

    scopes: frozenset[str]
    granted: datetime = GRANTED
    ended: datetime | None = None
    reason: str | None = None
    expires: datetime = EXPIRES


def add_supporter(
    clinic: Clinic, reference: str, name: str, status: SupporterStatus, grants: list[Grant]
) -> None:
    """A supporter the patient chose, with the consents the patient gave."""

    async def go() -> None:
        async with clinic.store() as db, db.uow() as uow:
            patient = await db.patient(uow, reference)
            supporter = Supporter(new_id(), patient.id, name, status, GRANTED, GRANTED)
            await uow.supporters.save(supporter)
            for grant in grants:
                await uow.consents.add(
                    Consent(
                        id=new_id(),
                        patient_id=patient.id,
                        kind="supporter",
                        scopes=grant.scopes,
                        purpose="support from a person the patient chose",
                        text_version="2026-11-s1",
                        granted_at=grant.granted,
                        supporter_id=supporter.id,
                        expires_at=grant.expires,
                        ended_at=grant.ended,
                        end_reason=grant.reason,
                    )
                )
            await uow.commit()

    asyncio.run(go())
