"""Core entities as frozen dataclasses. Decrypted values only ever live here, in memory."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    CLINICIAN = "clinician"
    ADMIN = "admin"


class PatientStatus(StrEnum):
    INVITED = "invited"  # created by a clinician, chat not linked yet
    ONBOARDING = "onboarding"  # chat linked, consent not given yet
    ACTIVE = "active"
    PAUSED = "paused"  # check-ins paused (by clinician or patient)
    DISCHARGED = "discharged"  # clinician ended care; data kept
    UNENROLLED = "unenrolled"  # patient left with /stop; data kept
    ERASED = "erased"  # data key destroyed


class Level(StrEnum):
    """Escalation and risk levels, ordered."""

    INFO = "info"
    WARN = "warn"
    URGENT = "urgent"
    CRISIS = "crisis"

    @property
    def rank(self) -> int:
        return _LEVEL_RANK[self]


_LEVEL_RANK = {Level.INFO: 0, Level.WARN: 1, Level.URGENT: 2, Level.CRISIS: 3}


@dataclass(frozen=True)
class Staff:
    id: str
    username: str
    display_name: str
    role: Role
    active: bool
    created_at: datetime
    email: str | None = None
    telegram_linked: bool = False
    reachable: bool = True

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


@dataclass(frozen=True)
class CareTeam:
    id: str
    name: str
    created_at: datetime


@dataclass(frozen=True)
class TeamMember:
    team_id: str
    staff_id: str
    position: int


@dataclass(frozen=True)
class Patient:
    id: str
    reference: str
    team_id: str
    status: PatientStatus
    timezone: str
    created_at: datetime
    updated_at: datetime
    name: str | None = None  # None once erased
    language: str = "en"
    chat_id: int | None = None
    reachable: bool = True
    consent_version: str | None = None
    consented_at: datetime | None = None
    paused_until: datetime | None = None
    quiet_start: str | None = None
    quiet_end: str | None = None
    window_start: str = "07:00"
    window_end: str = "22:00"
    last_interaction_at: datetime | None = None
    created_by: str | None = None
    erased_at: datetime | None = None
    awaiting: str | None = None  # e.g. "suggest:add_trigger": what the next free text answers
    awaiting_until: datetime | None = None

    def awaits(self, now: datetime) -> str | None:
        if self.awaiting is None or self.awaiting_until is None or now >= self.awaiting_until:
            return None
        return self.awaiting

    @property
    def linked(self) -> bool:
        return self.chat_id is not None


@dataclass(frozen=True)
class EnrolmentCode:
    id: str
    purpose: str  # patient | staff | supporter
    created_at: datetime
    expires_at: datetime
    patient_id: str | None = None
    staff_id: str | None = None
    supporter_id: str | None = None
    created_by: str | None = None
    used_at: datetime | None = None
    revoked_at: datetime | None = None

    def usable(self, now: datetime) -> bool:
        return self.used_at is None and self.revoked_at is None and now < self.expires_at


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: datetime
    actor: str
    action: str
    patient_ref: str | None
    detail: str
    prev_hash: str
    hash: str
    origin: str = ""  # where the command came from: "cli alice@ward-pc", "bot"


class CheckinStatus(StrEnum):
    PENDING = "pending"  # created; its message is in the outbox
    SENT = "sent"  # first question delivered
    IN_PROGRESS = "in_progress"  # at least one answer
    COMPLETED = "completed"
    MISSED = "missed"  # never started in time (or due while the bot was down too long)
    EXPIRED = "expired"  # started but not finished in time
    CANCELLED = "cancelled"

    @property
    def open(self) -> bool:
        return self in (CheckinStatus.PENDING, CheckinStatus.SENT, CheckinStatus.IN_PROGRESS)


@dataclass(frozen=True)
class Checkin:
    id: str
    patient_id: str
    due_at: datetime
    origin: str  # scheduled | adhoc | patient | high_risk
    status: CheckinStatus
    created_at: datetime
    schedule_id: str | None = None
    plan_version: int | None = None
    cursor: int = 0
    message_id: int | None = None
    question_ref: str | None = None  # outbox id of the question message awaiting an answer
    sent_at: datetime | None = None
    reminded_at: datetime | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    expires_at: datetime | None = None
    risk_level: str | None = None


@dataclass(frozen=True)
class Answer:
    question_id: str
    position: int
    value: object  # int | bool | str | list[str] | None (skipped)
    answered_at: datetime


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Priority:
    """Lower is sooner. Crisis messages overtake everything."""

    CRISIS = 0
    ALERT = 2
    INTERACTIVE = 4
    ROUTINE = 6
    BULK = 8


@dataclass(frozen=True)
class OutboundMessage:
    """One Bot API call to make on someone's behalf, written in the outbox."""

    id: str
    idempotency_key: str
    recipient_kind: str  # patient | staff | supporter
    recipient_id: str
    method: str  # sendMessage | editMessageText | editMessageReplyMarkup | ...
    payload: dict[str, object]  # Bot API parameters except chat_id
    purpose: str
    created_at: datetime
    priority: int = Priority.INTERACTIVE
    patient_id: str | None = None  # whose data key seals the payload
    consent_scope: str | None = None  # supporters: checked again at send time
    ref_kind: str | None = None
    ref_id: str | None = None
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str | None = None
    telegram_message_id: int | None = None
    sent_at: datetime | None = None


@dataclass(frozen=True)
class PlanVersion:
    """One immutable version of a patient's plan; ``text`` is the YAML source."""

    patient_id: str
    version: int
    text: str
    created_at: datetime
    author_id: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class PlanSuggestion:
    id: str
    patient_id: str
    kind: str  # add_trigger | add_coping | add_person | not_helping
    body: dict[str, str]
    status: str  # pending | accepted | declined
    created_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None
    response: str | None = None
    accepted_version: int | None = None


@dataclass(frozen=True)
class Schedule:
    id: str
    patient_id: str
    kind: str  # regular | high_risk
    local_time: str  # HH:MM in the patient's zone
    days: str  # "mon,tue,..." or "*"
    active: bool
    created_at: datetime
    updated_at: datetime
    next_due_utc: datetime | None = None


class EscalationStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


@dataclass(frozen=True)
class Escalation:
    id: str
    number: int
    patient_id: str
    rule: str
    level: Level
    status: EscalationStatus
    reasons: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    resolved_by: str | None = None
    resolved_at: datetime | None = None
    resolution: str | None = None
    notify_step: int = 0
    next_notify_at: datetime | None = None

    @property
    def reference(self) -> str:
        return f"E-{self.number}"


@dataclass(frozen=True)
class EscalationEvent:
    id: str
    escalation_id: str
    patient_id: str
    kind: str  # raised | upgraded | added | notified | delivered | acknowledged | ...
    created_at: datetime
    staff_id: str | None = None
    channel: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class Consent:
    """A consent record. Never changed except to end it; a change is a new record."""

    id: str
    patient_id: str
    kind: str  # onboarding | supporter
    scopes: frozenset[str]
    purpose: str
    text_version: str
    granted_at: datetime
    supporter_id: str | None = None
    expires_at: datetime | None = None
    ended_at: datetime | None = None
    end_reason: str | None = None  # declined | revoked | expired | replaced | left

    def active(self, now: datetime) -> bool:
        return self.ended_at is None and (self.expires_at is None or now < self.expires_at)


@dataclass(frozen=True)
class CopingSession:
    """Urge surfing (timed prompts) or a plan strategy tried; ratings are health data."""

    id: str
    patient_id: str
    kind: str  # urge_surfing | strategy
    status: str  # rating_before | running | rating_after | asking_helped | done | abandoned
    started_at: datetime
    strategy: str = "urge_surfing"  # a coping id from the plan, or urge_surfing
    before: int | None = None
    after: int | None = None
    helped: str | None = None  # yes | some | no
    step: int = 0
    next_prompt_at: datetime | None = None
    finished_at: datetime | None = None


@dataclass(frozen=True)
class PatientState:
    """What the scheduler needs about a patient, without decrypting anything."""

    id: str
    status: PatientStatus
    timezone: str
    reachable: bool
    linked: bool
    paused_until: datetime | None = None
    quiet_start: str | None = None
    quiet_end: str | None = None
    last_interaction_at: datetime | None = None
    consented_at: datetime | None = None
    team_id: str = ""


class SupporterStatus(StrEnum):
    DRAFT = "draft"  # the patient is choosing what they may receive
    INVITED = "invited"  # consent recorded, link not opened yet
    PENDING = "pending"  # accepted by the supporter; the patient must confirm the account
    ACTIVE = "active"
    REVOKED = "revoked"  # by the patient
    EXPIRED = "expired"
    LEFT = "left"  # the supporter stopped
    UNREACHABLE = "unreachable"  # blocked the bot


SCOPES = ("weekly_summary", "reach_out", "crisis_notice")


@dataclass(frozen=True)
class Supporter:
    id: str
    patient_id: str
    name: str
    status: SupporterStatus
    created_at: datetime
    updated_at: datetime
    alias: str = ""
    chat_id: int | None = None
    telegram_name: str = ""  # the Telegram first name of the account that accepted
    draft_scopes: frozenset[str] = frozenset()
    last_summary_at: datetime | None = None
