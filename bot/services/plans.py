"""Plans for clinicians: validate, publish versions, diff, review, and patient suggestions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.errors import Conflict, InvalidInput, NotFound
from bot.domain.model import Level, Patient, PatientStatus, PlanSuggestion, PlanVersion
from bot.domain.risk import Finding
from bot.plans.diff import PlanDiff, describe_changes, diff_plans
from bot.plans.model import Plan
from bot.plans.parser import parse_plan
from bot.plans.review import review_reasons
from bot.plans.suggestions import (
    apply_suggestion,
    describe_suggestion,
    suggestion_from_dict,
)
from bot.services import texts
from bot.services.access import Actor
from bot.services.escalations import EscalationService
from bot.services.outgoing import Outgoing, commit
from bot.services.patients import PatientAccess
from bot.services.ports import Clock, UnitOfWork, UnitOfWorkFactory
from bot.services.schedules import ScheduleService

MAX_NOTE = 500


class PlanChanged(Conflict):
    """Someone published another version while this one was being edited."""

    def __init__(self, message: str, current: int | None) -> None:
        super().__init__(message)
        self.current = current


class Unchecked:
    """The default of ``expected_version``: publish whatever the current version is."""


UNCHECKED = Unchecked()
REVIEW_PAGE = 25  # patients per transaction in the review tick: an SOS waits one page at most


@dataclass(frozen=True)
class PlanView:
    patient: Patient
    version: PlanVersion
    plan: Plan
    review: list[str]


@dataclass(frozen=True)
class Published:
    patient: Patient
    version: PlanVersion
    changes: list[str]  # what the patient was told


class PlanService:
    def __init__(
        self,
        uows: UnitOfWorkFactory,
        clock: Clock,
        schedules: ScheduleService,
        escalations: EscalationService,
        *,
        review_days: int,
    ) -> None:
        self._uows = uows
        self._clock = clock
        self._schedules = schedules
        self._escalations = escalations
        self._review_days = review_days
        self._access = PatientAccess(clock)
        self.review_page = REVIEW_PAGE

    async def _patient(self, uow: UnitOfWork, actor: Actor, reference: str, action: str) -> Patient:
        patient = await self._access.resolve(uow, actor, reference, action)
        if patient.status is PatientStatus.ERASED:
            raise Conflict(f"{patient.reference} was erased; their plan is gone")
        return patient

    async def publish(
        self,
        actor: Actor,
        reference: str,
        text: str,
        *,
        note: str | None,
        source: str,
        expected_version: int | Unchecked | None = UNCHECKED,
    ) -> Published:
        """Validate and store the next version; tell the patient in plain words.

        ``expected_version`` (the version the edit started from; None for "no plan yet")
        refuses to publish over a version someone else published meanwhile.
        """
        plan = parse_plan(text, source=source)  # raises PlanInvalid with every error
        if note is not None and len(note) > MAX_NOTE:
            raise InvalidInput(f"--note is {len(note)} characters; at most {MAX_NOTE}")
        now = self._clock.now()
        async with self._uows() as uow:
            patient = await self._patient(uow, actor, reference, "plan.set")
            if not isinstance(expected_version, Unchecked):
                latest = await uow.plans.latest(patient.id)
                current = None if latest is None else latest.version
                if current != expected_version:
                    raise PlanChanged(
                        f"version {current} of {patient.reference}'s plan was published while "
                        f"you were editing version {expected_version}; nothing was saved",
                        current,
                    )
            return await self._publish(uow, actor, patient, text, plan, note, now)

    async def _publish(
        self,
        uow: UnitOfWork,
        actor: Actor,
        patient: Patient,
        text: str,
        plan: Plan,
        note: str | None,
        now: datetime,
    ) -> Published:
        previous = await uow.plans.latest(patient.id)
        if previous is not None and previous.text == text:
            raise Conflict(f"this is the same as version {previous.version}; nothing to publish")
        version = await uow.plans.add_version(
            patient.id,
            text,
            now,
            author_id=None if actor.staff is None else actor.staff.id,
            note=note,
        )
        changes: list[str] = []
        out = Outgoing(f"plan:{patient.id}:{version.version}", now)
        if previous is None:
            changes = ["Your care team shared your plan with you. /plan shows it any time."]
        else:
            changes = describe_changes(diff_plans(parse_plan(previous.text), plan))
        if (
            patient.linked
            and patient.status in (PatientStatus.ACTIVE, PatientStatus.PAUSED)
            and changes
        ):
            body = "\n".join(f"• {c}" for c in changes) if previous is not None else changes[0]
            heading = "" if previous is None else texts.PLAN_UPDATED + "\n"
            out.to_patient(patient.id, heading + body, purpose="plan-update", key="changes")
        for message in out.messages:
            await uow.outbox.enqueue(message)
        await self._schedules.sync_high_risk(uow, patient, plan, now)
        await uow.audit.append(
            actor=actor.audit_name,
            action="plan.set",
            at=now,
            patient_ref=patient.reference,
            detail=f"version={version.version}",
        )
        await uow.commit()
        return Published(patient, version, changes)

    async def show(self, actor: Actor, reference: str, version: int | None = None) -> PlanView:
        async with self._uows() as uow:
            patient = await self._patient(uow, actor, reference, "plan.show")
            stored = (
                await uow.plans.latest(patient.id)
                if version is None
                else await uow.plans.get(patient.id, version)
            )
            if stored is None:
                raise NotFound(
                    f"{patient.reference} has no plan"
                    + ("" if version is None else f" version {version}")
                    + " (`clinician plan set P FILE` publishes one)"
                )
            plan = parse_plan(stored.text)
            review = await self._review(uow, patient, stored, plan) if version is None else []
            await uow.audit.append(
                actor=actor.audit_name,
                action="plan.show",
                at=self._clock.now(),
                patient_ref=patient.reference,
                detail=f"version={stored.version}",
            )
            await uow.commit()
            return PlanView(patient, stored, plan, review)

    async def _review(
        self, uow: UnitOfWork, patient: Patient, stored: PlanVersion, plan: Plan
    ) -> list[str]:
        sessions = await uow.coping.for_patient(patient.id, since=stored.created_at)
        not_helping = [s.strategy for s in sessions if s.helped == "no"]
        answers = await uow.checkins.answers_for_patient(
            patient.id, since=stored.created_at - timedelta(days=14)
        )
        craving_ids = {q.id for q in plan.checkin if q.kind.value == "craving"} or {"craving"}
        cravings = sorted(
            (a.answered_at, int(a.value))
            for found in answers.values()
            for a in found
            if a.question_id in craving_ids
            and isinstance(a.value, int)
            and not isinstance(a.value, bool)
        )
        titles = {c.id: c.title for c in plan.coping}
        return review_reasons(
            stored.created_at,
            self._clock.now(),
            max_age_days=self._review_days,
            not_helping=not_helping,
            cravings=cravings,
            titles=titles,
        )

    async def flag_reviews(self) -> int:
        """Tick: plans due for review (old, not helping, cravings worse) → a notice to the team.

        Goes through active patients a page at a time, one short transaction per page, so
        an SOS never waits behind the whole review (SQLite has one writer).
        """
        flagged, after = 0, None
        while True:
            async with self._uows() as uow:
                page = await uow.patients.active_page(self.review_page, after_id=after)
                now = self._clock.now()
                out = Outgoing(f"review:{now.date().isoformat()}:{page[0] if page else ''}", now)
                for patient_id in page:
                    flagged += await self._flag_review(uow, patient_id, out)
                await commit(uow, out)
            if len(page) < self.review_page:
                return flagged
            after = page[-1]

    async def _flag_review(self, uow: UnitOfWork, patient_id: str, out: Outgoing) -> int:
        patient = await uow.patients.get(patient_id)
        stored = None if patient is None else await uow.plans.latest(patient_id)
        if patient is None or stored is None:
            return 0
        reasons = await self._review(uow, patient, stored, parse_plan(stored.text))
        if not reasons or await uow.escalations.open_for_rule(
            patient.id, "plan_review", stored.created_at
        ):
            return 0
        await self._escalations.raise_findings(
            uow,
            patient,
            [Finding("plan_review", Level.INFO, r) for r in reasons[:1]],
            out,
            source=f"plan version {stored.version}",
        )
        return 1

    async def history(self, actor: Actor, reference: str) -> tuple[Patient, list[PlanVersion]]:
        async with self._uows() as uow:
            patient = await self._patient(uow, actor, reference, "plan.history")
            versions = await uow.plans.history(patient.id)
            await uow.audit.append(
                actor=actor.audit_name,
                action="plan.history",
                at=self._clock.now(),
                patient_ref=patient.reference,
            )
            await uow.commit()
            return patient, versions

    async def diff(self, actor: Actor, reference: str, old: int, new: int) -> PlanDiff:
        async with self._uows() as uow:
            patient = await self._patient(uow, actor, reference, "plan.diff")
            first = await uow.plans.get(patient.id, old)
            second = await uow.plans.get(patient.id, new)
            missing = [str(v) for v, s in ((old, first), (new, second)) if s is None]
            if first is None or second is None:
                raise NotFound(
                    f"{patient.reference} has no plan version {', '.join(missing)} "
                    "(`clinician plan history P` lists them)"
                )
            await uow.audit.append(
                actor=actor.audit_name,
                action="plan.diff",
                at=self._clock.now(),
                patient_ref=patient.reference,
                detail=f"{old}..{new}",
            )
            await uow.commit()
            return diff_plans(parse_plan(first.text), parse_plan(second.text))

    async def current(self, actor: Actor, reference: str) -> tuple[Patient, PlanVersion | None]:
        """The current version with its text, for editing (audited)."""
        async with self._uows() as uow:
            patient = await self._patient(uow, actor, reference, "plan.edit")
            stored = await uow.plans.latest(patient.id)
            await uow.audit.append(
                actor=actor.audit_name,
                action="plan.read_for_edit",
                at=self._clock.now(),
                patient_ref=patient.reference,
            )
            await uow.commit()
            return patient, stored

    # --- suggestions ------------------------------------------------------------------
    async def suggestions(
        self,
        actor: Actor,
        reference: str,
    ) -> tuple[Patient, list[tuple[PlanSuggestion, str]]]:
        async with self._uows() as uow:
            patient = await self._patient(uow, actor, reference, "plan.suggestions")
            pending = await uow.plans.suggestions(patient.id)
            await uow.audit.append(
                actor=actor.audit_name,
                action="plan.suggestions",
                at=self._clock.now(),
                patient_ref=patient.reference,
            )
            await uow.commit()
            return patient, [
                (s, describe_suggestion(suggestion_from_dict(s.kind, s.body))) for s in pending
            ]

    async def _pending(self, uow: UnitOfWork, patient: Patient, short_id: str) -> PlanSuggestion:
        wanted = short_id.strip().lower()  # the random tail `plan suggestions` shows
        matches = [s for s in await uow.plans.suggestions(patient.id) if s.id.endswith(wanted)]
        if len(wanted) < 4 or len(matches) != 1:
            raise NotFound(
                f"no single pending suggestion {short_id!r} for {patient.reference} "
                "(`clinician plan suggestions P` lists them with their ids)"
            )
        return matches[0]

    async def accept(
        self, actor: Actor, reference: str, short_id: str, note: str | None = None
    ) -> Published:
        now = self._clock.now()
        async with self._uows() as uow:
            patient = await self._patient(uow, actor, reference, "plan.accept")
            suggestion = await self._pending(uow, patient, short_id)
            current = await uow.plans.latest(patient.id)
            if current is None:
                raise Conflict(f"{patient.reference} has no plan to add the suggestion to")
            text = apply_suggestion(
                current.text, suggestion_from_dict(suggestion.kind, suggestion.body)
            )
            plan = parse_plan(text)
            await uow.plans.decide_suggestion(
                suggestion,
                status="accepted",
                staff_id=actor.staff.id if actor.staff else "",
                now=now,
                response=note,
                accepted_version=current.version + 1,
            )
            out = Outgoing(f"suggestion:{suggestion.id}", now)
            out.to_patient(
                patient.id,
                texts.PLAN_SUGGESTION_DECIDED["accepted"],
                purpose="plan-update",
                key="accepted",
            )
            for message in out.messages:
                await uow.outbox.enqueue(message)
            return await self._publish(
                uow,
                actor,
                patient,
                text,
                plan,
                note or "accepted a suggestion from the patient",
                now,
            )

    async def decline(self, actor: Actor, reference: str, short_id: str, note: str) -> None:
        if not note.strip():
            raise InvalidInput("--note is empty; the patient sees it, so say why kindly")
        now = self._clock.now()
        async with self._uows() as uow:
            patient = await self._patient(uow, actor, reference, "plan.decline")
            suggestion = await self._pending(uow, patient, short_id)
            await uow.plans.decide_suggestion(
                suggestion,
                status="declined",
                staff_id=actor.staff.id if actor.staff else "",
                now=now,
                response=note.strip(),
                accepted_version=None,
            )
            out = Outgoing(f"suggestion:{suggestion.id}", now)
            out.to_patient(
                patient.id,
                texts.PLAN_SUGGESTION_DECIDED["declined"].format(note=note.strip()),
                purpose="plan-update",
                key="declined",
            )
            for message in out.messages:
                await uow.outbox.enqueue(message)
            await uow.audit.append(
                actor=actor.audit_name, action="plan.decline", at=now, patient_ref=patient.reference
            )
            await uow.commit()
