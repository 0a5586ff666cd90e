"""What both sides of a supporter relationship share: the callback prefix, which states
are still open, the consent in force, and ending it all at once.

Ending (revoked, declined, left, unreachable, expired) closes every consent, revokes
open invite codes and cancels anything still queued to the supporter, in the caller's
unit of work: effective immediately.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.domain.ids import short_id
from bot.domain.model import Consent, Supporter, SupporterStatus
from bot.services.ports import UnitOfWork

PREFIX = "sup:"
OPEN = (SupporterStatus.INVITED, SupporterStatus.PENDING, SupporterStatus.ACTIVE)


async def active_consent(uow: UnitOfWork, supporter: Supporter, now: datetime) -> Consent | None:
    """The latest consent for this supporter still in force at ``now``, if any."""
    consents = await uow.consents.for_patient(supporter.patient_id, supporter_id=supporter.id)
    return next((c for c in reversed(consents) if c.active(now)), None)


async def end_support(
    uow: UnitOfWork,
    supporter: Supporter,
    status: SupporterStatus,
    reason: str,
    now: datetime,
) -> None:
    for consent in await uow.consents.for_patient(supporter.patient_id, supporter_id=supporter.id):
        if consent.ended_at is None:
            await uow.consents.end(consent.id, now, reason)
    await uow.supporters.save(replace(supporter, status=status, updated_at=now))
    await uow.enrolment.revoke_open(supporter_id=supporter.id, now=now)
    await uow.outbox.cancel_pending(
        recipient_kind="supporter", recipient_id=supporter.id, reason=f"consent {reason}"
    )
    patient = await uow.patients.get(supporter.patient_id)
    await uow.audit.append(
        actor="patient" if reason == "revoked" else "supporter",
        action=f"supporter.{reason}",
        at=now,
        patient_ref=None if patient is None else patient.reference,
        detail=f"supporter={short_id(supporter.id)}",
    )
