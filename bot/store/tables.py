"""The database schema (SQLAlchemy 2 declarative rows).

Conventions: ids are 32-hex strings made by the application (so the AAD of an
encrypted column can name its row before the insert); every ``*_enc`` column is an
AES-GCM ciphertext from :mod:`bot.store.vault`; every ``*_index`` column is an HMAC blind
index; times are aware UTC datetimes. Alembic migrations in ``migrations/`` create this.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite keeps them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use aware UTC datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        assert isinstance(moment, datetime)
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Id = String(32)
Ref = String(32)
Index64 = String(64)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UtcDateTime()}  # noqa: RUF012


# --- keys, counters, metadata ------------------------------------------------------------


class MetaRow(Base):
    __tablename__ = "meta"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class CounterRow(Base):
    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class DataKeyRow(Base):
    __tablename__ = "data_keys"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    master_key_id: Mapped[str] = mapped_column(String(40), index=True)
    wrapped: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    destroyed_at: Mapped[datetime | None]


# --- people ---------------------------------------------------------------------------


class StaffRow(Base):
    __tablename__ = "staff"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    email: Mapped[str | None] = mapped_column(String(254))
    telegram_index: Mapped[str | None] = mapped_column(Index64, unique=True)
    telegram_chat_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    deactivated_at: Mapped[datetime | None]


class CareTeamRow(Base):
    __tablename__ = "care_teams"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    policy: Mapped[str | None] = mapped_column(Text)  # JSON: ack deadlines, staffed hours
    created_at: Mapped[datetime]


class TeamMemberRow(Base):
    __tablename__ = "team_members"
    team_id: Mapped[str] = mapped_column(ForeignKey("care_teams.id"), primary_key=True)
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)  # escalation order
    added_at: Mapped[datetime]


class PatientRow(Base):
    __tablename__ = "patients"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("care_teams.id"), index=True)
    data_key_id: Mapped[str] = mapped_column(ForeignKey("data_keys.id"))
    status: Mapped[str] = mapped_column(String(16), index=True)
    timezone: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8), default="en")
    name_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    chat_index: Mapped[str | None] = mapped_column(Index64, unique=True)
    chat_id_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    consent_version: Mapped[str | None] = mapped_column(String(16))
    consented_at: Mapped[datetime | None]
    paused_until: Mapped[datetime | None]
    quiet_start: Mapped[str | None] = mapped_column(String(5))
    quiet_end: Mapped[str | None] = mapped_column(String(5))
    window_start: Mapped[str] = mapped_column(String(5), default="07:00")
    window_end: Mapped[str] = mapped_column(String(5), default="22:00")
    last_interaction_at: Mapped[datetime | None]
    awaiting: Mapped[str | None] = mapped_column(String(40))  # what the next free text answers
    awaiting_until: Mapped[datetime | None]
    created_by: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    erased_at: Mapped[datetime | None]


class EnrolmentCodeRow(Base):
    __tablename__ = "enrolment_codes"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    code_index: Mapped[str] = mapped_column(Index64, unique=True)
    purpose: Mapped[str] = mapped_column(String(16))  # patient | staff | supporter
    patient_id: Mapped[str | None] = mapped_column(ForeignKey("patients.id"), index=True)
    staff_id: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    supporter_id: Mapped[str | None] = mapped_column(ForeignKey("supporters.id"))
    created_by: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class EnrolmentAttemptRow(Base):
    __tablename__ = "enrolment_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chat_index: Mapped[str] = mapped_column(Index64, index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime]


# --- plans ----------------------------------------------------------------------------


class PlanVersionRow(Base):
    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("patient_id", "version"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"))
    version: Mapped[int] = mapped_column(Integer)
    body_enc: Mapped[bytes] = mapped_column(LargeBinary)
    note_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    author_id: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime]


class PlanSuggestionRow(Base):
    __tablename__ = "plan_suggestions"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    body_enc: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16))  # pending | accepted | declined
    created_at: Mapped[datetime]
    decided_by: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    decided_at: Mapped[datetime | None]
    response_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    accepted_version: Mapped[int | None] = mapped_column(Integer)


# --- check-ins ------------------------------------------------------------------------


class ScheduleRow(Base):
    __tablename__ = "schedules"
    __table_args__ = (Index("ix_schedules_due", "active", "next_due_utc"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # regular | high_risk
    local_time: Mapped[str] = mapped_column(String(5))  # HH:MM in the patient's zone
    days: Mapped[str] = mapped_column(String(27))  # "mon,tue,..." or "*"
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    next_due_utc: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class CheckinRow(Base):
    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("schedule_id", "due_at"),
        Index("ix_checkins_patient_due", "patient_id", "due_at"),
        Index("ix_checkins_status_expires", "status", "expires_at"),
    )
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"))
    schedule_id: Mapped[str | None] = mapped_column(ForeignKey("schedules.id"))
    due_at: Mapped[datetime]
    origin: Mapped[str] = mapped_column(String(16))  # scheduled | adhoc | patient | high_risk
    status: Mapped[str] = mapped_column(String(16))
    plan_version: Mapped[int | None] = mapped_column(Integer)
    cursor: Mapped[int] = mapped_column(Integer, default=0)  # next question position
    selection_enc: Mapped[bytes | None] = mapped_column(LargeBinary)  # multi-select so far
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    question_ref: Mapped[str | None] = mapped_column(Ref)  # outbox id of the open question
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    risk_level: Mapped[str | None] = mapped_column(String(8))
    risk_enc: Mapped[bytes | None] = mapped_column(LargeBinary)


class CheckinAnswerRow(Base):
    __tablename__ = "checkin_answers"
    __table_args__ = (UniqueConstraint("checkin_id", "question_id"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    checkin_id: Mapped[str] = mapped_column(ForeignKey("checkins.id"))
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"), index=True)
    question_id: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    value_enc: Mapped[bytes] = mapped_column(LargeBinary)
    answered_at: Mapped[datetime]


class CopingSessionRow(Base):
    __tablename__ = "coping_sessions"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))  # urge_surfing | strategy
    status: Mapped[str] = mapped_column(String(16))
    detail_enc: Mapped[bytes | None] = mapped_column(LargeBinary)  # strategy, ratings
    step: Mapped[int] = mapped_column(Integer, default=0)
    next_prompt_at: Mapped[datetime | None] = mapped_column(index=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]


# --- escalations ------------------------------------------------------------------------


class EscalationRow(Base):
    __tablename__ = "escalations"
    __table_args__ = (Index("ix_escalations_patient_rule", "patient_id", "rule", "status"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"))
    rule: Mapped[str] = mapped_column(String(40))
    level: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), index=True)
    reasons_enc: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    acknowledged_by: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    acknowledged_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    resolved_at: Mapped[datetime | None]
    resolution_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    notify_step: Mapped[int] = mapped_column(Integer, default=0)
    next_notify_at: Mapped[datetime | None] = mapped_column(index=True)


class EscalationEventRow(Base):
    __tablename__ = "escalation_events"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    escalation_id: Mapped[str] = mapped_column(ForeignKey("escalations.id"), index=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"))
    position: Mapped[int] = mapped_column(Integer)  # order within the escalation's timeline
    kind: Mapped[str] = mapped_column(String(24))
    staff_id: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    channel: Mapped[str | None] = mapped_column(String(16))
    detail_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]


# --- supporters and consent ---------------------------------------------------------------


class SupporterRow(Base):
    __tablename__ = "supporters"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"), index=True)
    name_enc: Mapped[bytes] = mapped_column(LargeBinary)  # as the patient calls them
    alias_enc: Mapped[bytes | None] = mapped_column(LargeBinary)  # the patient, as shown to them
    telegram_name_enc: Mapped[bytes | None] = mapped_column(LargeBinary)  # who accepted
    chat_index: Mapped[str | None] = mapped_column(Index64, index=True)
    chat_id_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(24))
    draft_scopes: Mapped[str] = mapped_column(String(100), default="")
    last_summary_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ConsentRow(Base):
    """Consent records are append-only: a change ends one row and starts another."""

    __tablename__ = "consents"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"), index=True)
    supporter_id: Mapped[str | None] = mapped_column(ForeignKey("supporters.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))  # onboarding | supporter
    scopes: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(200))
    text_version: Mapped[str] = mapped_column(String(16))
    granted_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(24))


# --- messaging --------------------------------------------------------------------------


class OutboxRow(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_ready", "status", "priority", "next_attempt_at"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    patient_id: Mapped[str | None] = mapped_column(ForeignKey("patients.id"), index=True)
    recipient_kind: Mapped[str] = mapped_column(String(16))  # patient | staff | supporter
    recipient_id: Mapped[str] = mapped_column(Ref)
    priority: Mapped[int] = mapped_column(Integer)  # 0 crisis ... 9 bulk
    purpose: Mapped[str] = mapped_column(String(32))
    consent_scope: Mapped[str | None] = mapped_column(String(32))
    method: Mapped[str] = mapped_column(String(32))
    payload_enc: Mapped[bytes] = mapped_column(LargeBinary)  # b"" once dropped (erase, retention)
    chat_index: Mapped[str | None] = mapped_column(Index64, index=True)  # "chat" rows only
    status: Mapped[str] = mapped_column(String(16))  # pending | sending | sent | failed | cancelled
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(200))
    ref_kind: Mapped[str | None] = mapped_column(String(24))
    ref_id: Mapped[str | None] = mapped_column(Ref)
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class InboxRow(Base):
    __tablename__ = "inbox"
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    payload_enc: Mapped[bytes] = mapped_column(LargeBinary)  # b"" once dropped (erase, retention)
    chat_index: Mapped[str | None] = mapped_column(Index64, index=True)  # as patients.chat_index
    status: Mapped[str] = mapped_column(String(16), index=True)  # pending | done | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[datetime]
    processed_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(String(200))


# --- audit ------------------------------------------------------------------------------


class AuditHeadRow(Base):
    """One row: the chain's last sequence number and hash; locked by each append."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


class AuditRow(Base):
    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    patient_ref: Mapped[str | None] = mapped_column(String(16), index=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    origin: Mapped[str] = mapped_column(String(128), default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
