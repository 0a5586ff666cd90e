"""Delivery status for clinicians: what was sent, what is waiting, what failed."""

from __future__ import annotations

from bot.domain.model import DeliveryStatus, OutboundMessage
from bot.services.access import Actor
from bot.services.ports import Clock, UnitOfWorkFactory


class OutboxReview:
    def __init__(self, uows: UnitOfWorkFactory, clock: Clock) -> None:
        self._uows = uows
        self._clock = clock

    async def listing(
        self, actor: Actor, *, failed_only: bool = False, limit: int = 100
    ) -> tuple[list[OutboundMessage], dict[str, str]]:
        """Recent rows visible to the actor, and patient id → reference for display."""
        statuses = [DeliveryStatus.FAILED] if failed_only else None
        async with self._uows() as uow:
            team_ids = None if actor.is_admin else actor.team_ids
            patients = {p.id: p.reference for p in await uow.patients.find(team_ids=team_ids)}
            rows = await uow.outbox.listing(statuses=statuses, limit=limit * 4)
            own_staff = None if actor.staff is None else actor.staff.id
            visible = [
                r
                for r in rows
                if actor.is_admin
                or (r.patient_id is not None and r.patient_id in patients)
                or (r.recipient_kind == "staff" and r.recipient_id == own_staff)
            ][:limit]
            await uow.audit.append(
                actor=actor.audit_name,
                action="outbox.read",
                at=self._clock.now(),
                detail=f"rows={len(visible)}",
            )
            await uow.commit()
            return visible, patients
