"""Unit of work: one use case, one transaction.

``async with store.uow() as uow:`` opens a session and a transaction; leaving the block
without ``await uow.commit()`` rolls everything back, so a failure half-way writes
nothing. Repositories hang off the unit of work and never commit themselves.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.crypto import KeyRing
from bot.store.database import Database
from bot.store.repositories.audit import AuditRepository
from bot.store.repositories.checkins import CheckinRepository
from bot.store.repositories.consents import ConsentRepository
from bot.store.repositories.coping import CopingRepository
from bot.store.repositories.enrolment import EnrolmentRepository
from bot.store.repositories.escalations import EscalationRepository
from bot.store.repositories.messaging import InboxRepository, OutboxRepository
from bot.store.repositories.meta import MetaRepository
from bot.store.repositories.patients import PatientRepository
from bot.store.repositories.plans import PlanRepository
from bot.store.repositories.schedules import ScheduleRepository
from bot.store.repositories.staff import StaffRepository, TeamRepository
from bot.store.repositories.supporters import SupporterRepository
from bot.store.vault import Vault


class SqlUnitOfWork:
    session: AsyncSession
    vault: Vault
    meta: MetaRepository
    audit: AuditRepository
    staff: StaffRepository
    teams: TeamRepository
    patients: PatientRepository
    enrolment: EnrolmentRepository
    checkins: CheckinRepository
    inbox: InboxRepository
    outbox: OutboxRepository
    plans: PlanRepository
    schedules: ScheduleRepository
    escalations: EscalationRepository
    consents: ConsentRepository
    coping: CopingRepository
    supporters: SupporterRepository

    def __init__(self, db: Database, ring: KeyRing) -> None:
        self._db = db
        self._ring = ring
        self.committed = False

    async def __aenter__(self) -> SqlUnitOfWork:
        self.session = self._db.sessions()
        await self.session.begin()
        self.committed = False
        session = self.session
        self.vault = vault = Vault(self._ring, session)
        self.meta = MetaRepository(session)
        self.audit = AuditRepository(session)
        self.staff = StaffRepository(session, vault)
        self.teams = TeamRepository(session)
        self.patients = PatientRepository(session, vault)
        self.enrolment = EnrolmentRepository(session, vault)
        self.checkins = CheckinRepository(session, vault)
        self.inbox = InboxRepository(session, vault)
        self.outbox = OutboxRepository(session, vault)
        self.plans = PlanRepository(session, vault)
        self.schedules = ScheduleRepository(session)
        self.escalations = EscalationRepository(session, vault)
        self.consents = ConsentRepository(session)
        self.coping = CopingRepository(session, vault)
        self.supporters = SupporterRepository(session, vault, self.consents)
        return self

    async def commit(self) -> None:
        await self.session.commit()
        self.committed = True

    async def rollback(self) -> None:
        """Undo everything so far; the unit of work can go on in a new transaction."""
        await self.session.rollback()
        self.committed = False

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if not self.committed:
                await self.session.rollback()
        finally:
            await self.session.close()


class Store:
    """The database and key ring together; hands out units of work."""

    def __init__(self, db: Database, ring: KeyRing) -> None:
        self.db = db
        self.ring = ring

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.db, self.ring)

    async def close(self) -> None:
        await self.db.dispose()
