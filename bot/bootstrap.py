"""The composition root: the one place that builds concrete objects and wires them."""

from __future__ import annotations

import getpass
import logging
import os
import socket
from dataclasses import dataclass, field
from datetime import timedelta

from bot.config import Settings
from bot.services.audit import AuditService
from bot.services.checkins import CheckinService
from bot.services.clock import SystemClock
from bot.services.conversation import ConversationService
from bot.services.coping import CopingService
from bot.services.delivery import DeliveryService
from bot.services.enrolment import EnrolmentService
from bot.services.escalations import EscalationService
from bot.services.inbox import InboxService
from bot.services.outbox import OutboxReview
from bot.services.patients import PatientService
from bot.services.plan_chat import PlanChatService
from bot.services.planbook import PlanBook
from bot.services.plans import PlanService
from bot.services.ports import Clock
from bot.services.reviews import ReviewService
from bot.services.safety import SafetyService
from bot.services.schedules import ScheduleService
from bot.services.settings import SettingsService
from bot.services.staff import StaffService
from bot.services.supporters import SupporterService
from bot.services.ticks import TickService
from bot.store.database import open_database
from bot.store.keys import OpenedKeys, open_keys
from bot.store.migrate import require_current_schema, upgrade
from bot.store.signer import HmacSigner
from bot.store.uow import Store

log = logging.getLogger(__name__)


@dataclass
class OpenedStore:
    store: Store
    keys: OpenedKeys
    notices: list[str] = field(default_factory=list)


def process_origin(kind: str) -> str:
    """``"cli alice@ward-pc"``: the OS account and host behind this process, for the audit log.

    A staff member names themselves with ``--as``/``COMPANION_STAFF``; the OS account is
    what the operating system vouches for, so every entry says both.
    """
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = f"uid{os.getuid()}"
    return f"{kind} {user}@{socket.gethostname()}"


async def open_store(
    settings: Settings, *, initialise: bool = False, origin: str = ""
) -> OpenedStore:
    """Open the database and keys; ``origin`` goes on every audit entry (see
    :func:`process_origin`).

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
    return OpenedStore(Store(db, keys, origin), keys, notices)


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
    inbox: InboxService
    planbook: PlanBook
    schedules: ScheduleService
    plans: PlanService
    safety: SafetyService
    checkins: CheckinService
    coping: CopingService
    plan_chat: PlanChatService
    settings_chat: SettingsService
    supporters: SupporterService
    conversation: ConversationService
    ticks: TickService
    reviews: ReviewService

    @property
    def settings_service(self) -> SettingsService:
        return self.settings_chat


def build_services(store: Store, settings: Settings, clock: Clock | None = None) -> Services:
    """Wire every use case to ``store``; the only place concrete classes meet."""
    clock = clock or SystemClock()
    uows = store.uow
    signer = HmacSigner(store.ring)
    planbook = PlanBook(settings.crisis_region)
    escalations = EscalationService(
        uows,
        clock,
        merge_window=timedelta(minutes=settings.escalation_merge_minutes),
        default_timezone=settings.default_timezone,
        email_alerts=settings.smtp_host is not None,
        webhook_alerts=settings.alert_webhook_url is not None,
    )
    supporters = SupporterService(uows, clock, bot_username=settings.bot_username)
    safety = SafetyService(uows, clock, planbook, escalations, supporters, signer)
    schedules = ScheduleService(uows, clock)
    checkins = CheckinService(
        uows,
        clock,
        planbook,
        escalations,
        safety,
        signer,
        reminder_after=timedelta(minutes=settings.reminder_after_minutes),
        expires_after=timedelta(minutes=settings.checkin_expires_minutes),
    )
    coping = CopingService(uows, clock, planbook, signer)
    plan_chat = PlanChatService(uows, clock, planbook, coping, signer)
    settings_chat = SettingsService(uows, clock, schedules, escalations)
    conversation = ConversationService(uows, clock, safety, checkins, escalations, supporters)
    conversation.consumers.extend([plan_chat, settings_chat, supporters])
    delivery = DeliveryService(uows, clock, escalations, max_attempts=settings.max_attempts)
    delivery.supporters = supporters
    return Services(
        store=store,
        clock=clock,
        settings=settings,
        staff=StaffService(uows, clock),
        audit=AuditService(uows, clock),
        outbox=OutboxReview(uows, clock),
        escalations=escalations,
        delivery=delivery,
        enrolment=EnrolmentService(uows, clock, escalations, supporters),
        patients=PatientService(
            uows,
            clock,
            invite_ttl=timedelta(days=settings.invite_ttl_days),
            bot_username=settings.bot_username,
            escalations=escalations,
        ),
        inbox=InboxService(uows, clock, safety),
        planbook=planbook,
        schedules=schedules,
        plans=PlanService(
            uows, clock, schedules, escalations, review_days=settings.plan_review_days
        ),
        safety=safety,
        checkins=checkins,
        coping=coping,
        plan_chat=plan_chat,
        settings_chat=settings_chat,
        supporters=supporters,
        conversation=conversation,
        reviews=ReviewService(uows, clock),
        ticks=TickService(
            uows,
            clock,
            checkins,
            escalations,
            planbook,
            grace=timedelta(minutes=settings.checkin_grace_minutes),
            # PostgreSQL locks rows, not the database: bigger batches, no pause between,
            # two at a time (one is prepared here while the server stores the other)
            batch=1000 if store.db.is_sqlite else 2500,
            batch_pause=0.02 if store.db.is_sqlite else 0.0,
            workers=1 if store.db.is_sqlite else 2,
        ),
    )
