"""Unit of work: one use case, one transaction.

``async with store.uow() as uow:`` opens a session and a transaction; leaving the block
without ``await uow.commit()`` rolls everything back, so a failure half-way writes
nothing. Repositories hang off the unit of work and never commit themselves.
"""

from __future__ import annotations

import asyncio
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
from bot.store.vault import KeySource, Vault, as_key_source

TURN_TIMEOUT = 30.0


class DatabaseBusy(Exception):
    """This process could not get its turn at the SQLite database in time."""


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

    def __init__(
        self, db: Database, keys: KeySource, turn: asyncio.Lock | None = None, origin: str = ""
    ) -> None:
        self._db = db
        self._keys = keys
        self._origin = origin
        self._turn = turn
        self.committed = False

    async def __aenter__(self) -> SqlUnitOfWork:
        if self._turn is not None:
            try:  # waiting longer than SQLite's own busy timeout means something is stuck
                await asyncio.wait_for(self._turn.acquire(), TURN_TIMEOUT)
            except TimeoutError:
                raise DatabaseBusy(
                    f"waited {TURN_TIMEOUT:g} s for the database; another transaction in "
                    "this process is stuck (a unit of work opened inside another?)"
                ) from None
        try:
            self.session = self._db.sessions()
            await self.session.begin()
        except BaseException:
            self._release()
            raise
        self.committed = False
        session = self.session
        self.vault = vault = Vault(self._keys, session)
        self.meta = MetaRepository(session)
        self.audit = AuditRepository(session, self._origin)
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
            try:
                await self.session.close()
            finally:
                self._release()

    def _release(self) -> None:
        if self._turn is not None and self._turn.locked():
            self._turn.release()


class Store:
    """The database and key ring together; hands out units of work."""

    def __init__(self, db: Database, keys: KeyRing | KeySource, origin: str = "") -> None:
        self.db = db
        self.keys = as_key_source(keys)
        self.origin = origin  # recorded on every audit entry this process writes
        # SQLite has one writer and its busy handler is not first-come first-served: under
        # a busy tick an SOS could lose the race for the lock again and again. Taking turns
        # here (asyncio.Lock wakes waiters in order) bounds its wait to the transactions
        # already queued. PostgreSQL locks rows and needs none of this.
        self._turn = asyncio.Lock() if db.is_sqlite else None

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.db, self.keys, self._turn, self.origin)

    @property
    def ring(self) -> KeyRing:
        return self.keys.ring

    async def close(self) -> None:
        await self.db.dispose()
