"""Who is acting, and what they may see: the care-team rule, checked in one place."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.errors import NotAllowed
from bot.domain.model import Patient, Staff
from bot.services.ports import Clock, UnitOfWork


@dataclass(frozen=True)
class Actor:
    """A staff member acting through the CLI (or the system itself)."""

    staff: Staff | None
    team_ids: frozenset[str] = frozenset()

    @property
    def audit_name(self) -> str:
        return "system" if self.staff is None else f"staff:{self.staff.username}"

    @property
    def is_admin(self) -> bool:
        return self.staff is not None and self.staff.is_admin

    def can_see(self, patient: Patient) -> bool:
        return self.is_admin or patient.team_id in self.team_ids


SYSTEM = Actor(staff=None)


async def refuse(
    uow: UnitOfWork, clock: Clock, actor: Actor, action: str, patient_ref: str | None, message: str
) -> NotAllowed:
    """Undo the refused use case, record the attempt, and return the error to raise.

    The unit of work is rolled back first, so nothing of the refused request is kept,
    and the audit entry is committed on its own (in the same connection, so SQLite's
    single writer is never waited on twice).
    """
    await uow.rollback()
    await uow.audit.append(
        actor=actor.audit_name,
        action=f"denied:{action}",
        at=clock.now(),
        patient_ref=patient_ref,
    )
    await uow.commit()
    error = NotAllowed(message)
    error.audited = True
    return error


def require_admin(actor: Actor, what: str) -> None:
    if not actor.is_admin:
        raise NotAllowed(f"only an admin can {what}; ask an admin or use --as with an admin")


async def load_actor(uow: UnitOfWork, username: str) -> Actor:
    staff = await uow.staff.by_username(username)
    if staff is None or not staff.active:
        raise NotAllowed(
            f"no active staff account named {username!r}; check COMPANION_STAFF or --as "
            "(`clinician staff list` shows accounts)"
        )
    return Actor(staff=staff, team_ids=frozenset(await uow.teams.team_ids_of(staff.id)))
