"""Reading and verifying the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.audit import BrokenLink
from bot.domain.model import AuditEntry
from bot.services.access import Actor, require_admin
from bot.services.patients import PatientAccess
from bot.services.ports import Clock, UnitOfWorkFactory


@dataclass(frozen=True)
class Verification:
    checked: int
    broken: BrokenLink | None


class AuditService:
    def __init__(self, uows: UnitOfWorkFactory, clock: Clock) -> None:
        self._uows = uows
        self._clock = clock
        self._access = PatientAccess(clock)

    async def verify(self, actor: Actor) -> Verification:
        async with self._uows() as uow:
            checked, broken = await uow.audit.verify()
            await uow.audit.append(
                actor=actor.audit_name,
                action="audit.verify",
                at=self._clock.now(),
                detail="ok" if broken is None else f"broken at {broken.seq}",
            )
            await uow.commit()
            return Verification(checked, broken)

    async def log(
        self,
        actor: Actor,
        *,
        patient_ref: str | None = None,
        since: datetime | None = None,
        limit: int = 200,
    ) -> list[AuditEntry]:
        """Entries for one of your patients, or (admins) for everyone."""
        async with self._uows() as uow:
            if patient_ref is not None:
                patient = await self._access.resolve(uow, actor, patient_ref, "audit.log")
                patient_ref = patient.reference
            else:
                require_admin(actor, "read the whole audit log (give --patient for one patient)")
            entries = await uow.audit.entries(patient_ref=patient_ref, since=since, limit=limit)
            await uow.audit.append(
                actor=actor.audit_name,
                action="audit.read",
                at=self._clock.now(),
                patient_ref=patient_ref,
            )
            await uow.commit()
            return entries

    async def record(self, actor: Actor, action: str, detail: str = "") -> None:
        """Append an entry for an operation that is not itself a use case (key rotation)."""
        async with self._uows() as uow:
            await uow.audit.append(
                actor=actor.audit_name, action=action, at=self._clock.now(), detail=detail
            )
            await uow.commit()

    async def record_refusal(self, who: str, action: str) -> None:
        """A refused command that no use case recorded (unknown account, admin-only)."""
        async with self._uows() as uow:
            await uow.audit.append(
                actor=who[:64], action=f"denied:{action}"[:64], at=self._clock.now()
            )
            await uow.commit()
