"""The composition root: the one place that builds concrete objects and wires them."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from bot.config import Settings
from bot.services.audit import AuditService
from bot.services.clock import SystemClock
from bot.services.delivery import DeliveryService
from bot.services.enrolment import EnrolmentService
from bot.services.escalations import EscalationService
from bot.services.outbox import OutboxReview
from bot.services.patients import PatientService
from bot.services.ports import Clock
from bot.services.staff import StaffService
from bot.store.database import open_database
from bot.store.keys import OpenedKeys, open_keys
from bot.store.migrate import require_current_schema, upgrade
from bot.store.uow import Store

log = logging.getLogger(__name__)


@dataclass
class OpenedStore:
    store: Store
    keys: OpenedKeys
    notices: list[str] = field(default_factory=list)


async def open_store(settings: Settings, *, initialise: bool = False) -> OpenedStore:
    """Open the database and keys.

    ``initialise=True`` (``clinician init``, ``companion migrate``, the demo) migrates the
    schema to head and creates the key file if the database holds no data yet.
    Otherwise an empty or out-of-date database, or a missing key, is an error.
    """
    db = open_database(settings.resolved_database_url)
    notices: list[str] = []
    try:
        if initialise:
            await upgrade(db)
        else:
            await require_current_schema(db)
        keys = await open_keys(settings, db, create=initialise)
    except BaseException:
        await db.dispose()
        raise
    notices.extend(keys.notices)
    return OpenedStore(Store(db, keys.ring), keys, notices)


@dataclass
class Services:
    """Every use case, wired to one store and clock."""

    store: Store
    clock: Clock
    settings: Settings
    staff: StaffService
    patients: PatientService
    audit: AuditService
    outbox: OutboxReview
    escalations: EscalationService
    delivery: DeliveryService
    enrolment: EnrolmentService


def build_services(store: Store, settings: Settings, clock: Clock | None = None) -> Services:
    clock = clock or SystemClock()
    uows = store.uow
    escalations = EscalationService(
        uows,
        clock,
        merge_window=timedelta(minutes=settings.escalation_merge_minutes),
        default_timezone=settings.default_timezone,
    )
    return Services(
        store=store,
        clock=clock,
        settings=settings,
        staff=StaffService(uows, clock),
        audit=AuditService(uows, clock),
        outbox=OutboxReview(uows, clock),
        escalations=escalations,
        delivery=DeliveryService(uows, clock, escalations, max_attempts=settings.max_attempts),
        enrolment=EnrolmentService(uows, clock, escalations),
        patients=PatientService(
            uows,
            clock,
            invite_ttl=timedelta(days=settings.invite_ttl_days),
            bot_username=settings.bot_username,
        ),
    )
