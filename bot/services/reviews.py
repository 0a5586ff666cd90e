"""What a clinician reads about one patient: check-ins in words, coping, alerts, plan versions.

A read model. :class:`ReviewService` gathers, in one transaction and after the care-team
check, a patient's plan versions, check-ins (answers and risk reasons), coping sessions and
escalations for a period, and records the read in the audit log. Each answer is put into
words with the plan version its check-in was asked from ("craving 7/10", trigger labels,
"use: no"). The summaries for the printed report (scale series, adherence, trigger and
coping counts) are pure functions of that snapshot, in :mod:`bot.services.review_summaries`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.errors import Conflict, InvalidInput
from bot.domain.model import (
    Answer,
    CareTeam,
    Checkin,
    CheckinStatus,
    CopingSession,
    Escalation,
    Patient,
    PatientStatus,
    PlanVersion,
)
from bot.plans.errors import PlanInvalid
from bot.plans.model import CheckinQuestion, Plan, QuestionKind
from bot.plans.parser import parse_plan
from bot.services.access import Actor
from bot.services.checkin_pads import NONE_VALUE, SCALE_KINDS
from bot.services.patients import PatientAccess
from bot.services.planbook import EMPTY_PLAN, CurrentPlan
from bot.services.ports import Clock, UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

MAX_REPORT_DAYS = 366
DEFAULT_CHECKIN_DAYS = 14
TEXT_PREVIEW = 40  # characters of a free-text answer shown in tables
URGE_SURFING = "urge_surfing"


@dataclass(frozen=True)
class AnswerView:
    question_id: str
    kind: str  # a QuestionKind value, or "unknown" when no plan version has the question
    value: object  # as stored: int | bool | str | list[str] | None (skipped)
    text: str  # in words, e.g. "craving 7/10", "triggers: Payday, Argument"
    answered_at: datetime


@dataclass(frozen=True)
class CheckinView:
    checkin: Checkin
    answers: tuple[AnswerView, ...]
    risk_reasons: tuple[str, ...]

    def value(self, kind: QuestionKind) -> object:
        """The first answer of this kind (None when not asked or skipped)."""
        return next((a.value for a in self.answers if a.kind == kind.value), None)


@dataclass(frozen=True)
class PlanRecord:
    stored: PlanVersion
    plan: Plan

    @property
    def version(self) -> int:
        return self.stored.version

    @property
    def questions(self) -> tuple[CheckinQuestion, ...]:
        return CurrentPlan(self.stored.version, self.plan).questions


@dataclass(frozen=True)
class PatientReview:
    """One patient's data for a period, as the acting clinician may see it."""

    patient: Patient
    team: CareTeam
    since: datetime | None  # None: everything
    until: datetime
    plans: tuple[PlanRecord, ...]  # every version, oldest first
    checkins: tuple[CheckinView, ...]  # oldest first
    coping: tuple[CopingSession, ...]
    escalations: tuple[Escalation, ...]  # oldest first

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.patient.timezone)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    @property
    def current_plan(self) -> PlanRecord | None:
        return self.plans[-1] if self.plans else None

    def plan(self, version: int | None) -> Plan:
        found = next((p for p in self.plans if p.version == version), None)
        return EMPTY_PLAN if found is None else found.plan

    def questions(self, version: int | None) -> tuple[CheckinQuestion, ...]:
        return CurrentPlan(version, self.plan(version)).questions

    def strategy_title(self, strategy: str) -> str:
        if strategy == URGE_SURFING:
            return "Urge surfing"
        for record in reversed(self.plans):
            found = record.plan.coping_by_id(strategy)
            if found is not None:
                return found.title
        return strategy


class ReviewService:
    def __init__(self, uows: UnitOfWorkFactory, clock: Clock, *, escalation_limit: int = 5000):
        self._uows = uows
        self._clock = clock
        self._escalation_limit = escalation_limit
        self._access = PatientAccess(clock)

    async def checkins(
        self, actor: Actor, reference: str, *, since: date | None = None
    ) -> PatientReview:
        """Check-ins from ``since`` (midnight in the patient's zone; default: 14 days)."""
        period = Period(since=since) if since else Period(days=DEFAULT_CHECKIN_DAYS)
        return await self._gather(actor, reference, "checkin.list", period)

    async def report(self, actor: Actor, reference: str, *, days: int) -> PatientReview:
        if not 1 <= days <= MAX_REPORT_DAYS:
            raise InvalidInput(f"--days must be 1 to {MAX_REPORT_DAYS}, got {days}")
        return await self._gather(actor, reference, "patient.report", Period(days=days))

    async def export(self, actor: Actor, reference: str, *, fmt: str) -> PatientReview:
        """Everything, from the first check-in on; the audit entry names the format."""
        return await self._gather(actor, reference, "patient.export", Period(), f"format={fmt}")

    async def _gather(
        self, actor: Actor, reference: str, action: str, period: Period, detail: str = ""
    ) -> PatientReview:
        now = self._clock.now()
        async with self._uows() as uow:
            patient = await self._access.resolve(uow, actor, reference, action)
            if patient.status is PatientStatus.ERASED:
                raise Conflict(f"{patient.reference} was erased; their data is gone")
            start = period.start(ZoneInfo(patient.timezone), now)
            team = await uow.teams.get(patient.team_id)
            assert team is not None
            plans = await _plans(uow, patient.id)
            review = PatientReview(patient, team, start, now, plans, (), (), ())
            checkins = await _checkins(uow, review)
            coping = await uow.coping.for_patient(patient.id, since=start)
            escalations = await uow.escalations.find(
                patient_ids=[patient.id], limit=self._escalation_limit, since=start
            )
            await uow.audit.append(
                actor=actor.audit_name,
                action=action,
                at=now,
                patient_ref=patient.reference,
                detail=detail or period.detail,
            )
            await uow.commit()
        return PatientReview(
            patient,
            team,
            start,
            now,
            plans,
            checkins,
            tuple(coping),
            tuple(sorted(escalations, key=lambda e: e.created_at)),
        )


@dataclass(frozen=True)
class Period:
    """From a local day, or the last N days, or (neither) from the beginning."""

    since: date | None = None
    days: int | None = None

    def start(self, zone: ZoneInfo, now: datetime) -> datetime | None:
        if self.days is not None:
            return now - timedelta(days=self.days)
        if self.since is not None:
            return datetime.combine(self.since, time(0), zone).astimezone(UTC)
        return None

    @property
    def detail(self) -> str:
        if self.days is not None:
            return f"days={self.days}"
        return "" if self.since is None else f"since={self.since.isoformat()}"


async def _plans(uow: UnitOfWork, patient_id: str) -> tuple[PlanRecord, ...]:
    """Every version with its text, parsed, oldest first."""
    return tuple(_parsed(stored) for stored in await uow.plans.history(patient_id, with_text=True))


def _parsed(stored: PlanVersion) -> PlanRecord:
    try:
        return PlanRecord(stored, parse_plan(stored.text))
    except PlanInvalid:  # stored plans were validated; this means a format change
        log.error("plan.unparseable version=%s", stored.version)
        return PlanRecord(stored, EMPTY_PLAN)


async def _checkins(uow: UnitOfWork, review: PatientReview) -> tuple[CheckinView, ...]:
    patient_id = review.patient.id
    found = await uow.checkins.for_patient(patient_id, since=review.since)
    answers = await uow.checkins.answers_for_patient(patient_id, since=review.since)
    risk = await uow.checkins.risk_reasons_for_patient(patient_id, since=review.since)
    views = []
    for checkin in found:
        reasons: list[str] = []
        if checkin.status is CheckinStatus.COMPLETED or checkin.risk_level is not None:
            reasons = risk.get(checkin.id, [])
        described = tuple(
            describe(review, checkin.plan_version, a) for a in answers.get(checkin.id, [])
        )
        views.append(CheckinView(checkin, described, tuple(reasons)))
    return tuple(views)


# --- answers in words -------------------------------------------------------------------


def find_question(
    review: PatientReview, version: int | None, question_id: str
) -> tuple[CheckinQuestion | None, Plan]:
    """The question as the check-in's plan version asked it (else the newest that has it)."""
    for question in review.questions(version):
        if question.id == question_id:
            return question, review.plan(version)
    for record in reversed(review.plans):
        for question in record.questions:
            if question.id == question_id:
                return question, record.plan
    return None, review.plan(version)


def describe(review: PatientReview, version: int | None, answer: Answer) -> AnswerView:
    question, plan = find_question(review, version, answer.question_id)
    kind = "unknown" if question is None else question.kind.value
    text = describe_value(question, plan, answer.question_id, answer.value)
    return AnswerView(answer.question_id, kind, answer.value, text, answer.answered_at)


def shorten(text: str, limit: int = TEXT_PREVIEW) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def selected_labels(kind: QuestionKind, plan: Plan, value: object) -> list[str]:
    """Trigger or warning-sign ids as the plan's labels (unknown ids stay as written)."""
    ids = [str(v) for v in value] if isinstance(value, list) else []
    labels = []
    for item in ids:
        if item == NONE_VALUE:
            continue
        if kind is QuestionKind.TRIGGERS:
            trigger = plan.trigger_by_id(item)
            labels.append(item if trigger is None else trigger.label)
        else:
            sign = next((s for s in plan.warning_signs if s.id == item), None)
            labels.append(item if sign is None else sign.button_label)
    return labels


def describe_value(
    question: CheckinQuestion | None, plan: Plan, question_id: str, value: object
) -> str:
    if value is None:
        return f"{question_id}: skipped"
    if question is None:
        return f"{question_id}: {shorten(str(value))}"
    kind = question.kind
    if kind in SCALE_KINDS and isinstance(value, int) and not isinstance(value, bool):
        low = 0 if question.minimum is None else question.minimum
        high = 10 if question.maximum is None else question.maximum
        return (
            f"{question_id} {value}/{high}" if low == 0 else f"{question_id} {value} ({low}–{high})"
        )
    if isinstance(value, bool):
        return f"{question_id}: {'yes' if value else 'no'}"
    if kind in (QuestionKind.TRIGGERS, QuestionKind.WARNING_SIGNS):
        labels = selected_labels(kind, plan, value)
        return f"{question_id}: {', '.join(labels) if labels else 'none'}"
    if isinstance(value, list):
        return f"{question_id}: {', '.join(str(v) for v in value) or 'none'}"
    if kind is QuestionKind.TEXT:
        return f"{question_id}: “{shorten(str(value))}”"
    return f"{question_id}: {shorten(str(value))}"
