"""Check-ins: asked one question at a time, progress kept on the check-in row.

A restart, a second device, or a late press resumes correctly because every press is
checked against the row: the chat's patient, an open check-in, and the question the row
is waiting for. A forged, stale or foreign press changes nothing and is logged.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from bot.domain.errors import Conflict
from bot.domain.ids import new_id
from bot.domain.model import Answer, Checkin, CheckinStatus, Patient, PatientStatus, Priority
from bot.domain.risk import CheckinAnswers, Signals, assess
from bot.plans.model import CheckinQuestion, Plan, QuestionKind
from bot.services import buttons, texts
from bot.services.access import Actor
from bot.services.checkin_followup import follow_up
from bot.services.checkin_pads import NONE_VALUE, CheckinPads, parse_value, question_text
from bot.services.escalations import EscalationService, team_alerted
from bot.services.outgoing import Outgoing, commit
from bot.services.patients import PatientAccess
from bot.services.planbook import CurrentPlan, PlanBook
from bot.services.ports import Clock, Signer, UnitOfWork, UnitOfWorkFactory
from bot.services.safety import SafetyService

log = logging.getLogger(__name__)

ACTIVE = {PatientStatus.ACTIVE}


class CheckinService:
    def __init__(
        self,
        uows: UnitOfWorkFactory,
        clock: Clock,
        planbook: PlanBook,
        escalations: EscalationService,
        safety: SafetyService,
        signer: Signer,
        *,
        reminder_after: timedelta,
        expires_after: timedelta,
    ) -> None:
        self._uows = uows
        self._clock = clock
        self._plans = planbook
        self._escalations = escalations
        self._safety = safety
        self._pads = CheckinPads(signer)
        self.reminder_after = reminder_after
        self.expires_after = expires_after
        self._access = PatientAccess(clock)

    # --- creating ---------------------------------------------------------------------
    def new_checkin(
        self,
        patient: Patient,
        *,
        origin: str,
        due_at: datetime,
        now: datetime,
        schedule_id: str | None = None,
    ) -> Checkin:
        return Checkin(
            id=new_id(),
            patient_id=patient.id,
            due_at=due_at,
            origin=origin,
            status=CheckinStatus.PENDING,
            created_at=now,
            schedule_id=schedule_id,
            expires_at=now + self.reminder_after + self.expires_after,
        )

    def invitation(
        self, checkin: Checkin, out: Outgoing, *, priority: int = Priority.ROUTINE
    ) -> None:
        """The scheduled message: a neutral line and a Start button (questions follow)."""
        out.to_patient(
            checkin.patient_id,
            texts.CHECKIN_INTRO,
            purpose="checkin",
            priority=priority,
            buttons=[[(texts.CHECKIN_START, buttons.start(checkin.id))]],
            key=f"invite:{checkin.id}",
            ref_kind="checkin",
            ref_id=checkin.id,
        )

    async def start_by_patient(self, chat_id: int, update_id: int) -> None:
        """``/checkin``: resume the open check-in, or begin a new one now."""
        now = self._clock.now()
        async with self._uows() as uow:
            out = Outgoing(f"upd:{update_id}", now)
            patient = await uow.patients.by_chat(chat_id)
            if patient is None or patient.status not in ACTIVE:
                if patient is not None:
                    out.to_patient(patient.id, texts.CHECKIN_UNAVAILABLE, purpose="checkin")
                await commit(uow, out, update_id)
                return
            checkin = await uow.checkins.open_for_patient(patient.id)
            if checkin is not None and checkin.expires_at and checkin.expires_at <= now:
                checkin = None
            if checkin is None:
                current = await self._plans.current(uow, patient.id)
                checkin = self.new_checkin(patient, origin="patient", due_at=now, now=now)
                await uow.checkins.add(checkin)
            else:  # resume with the plan version the check-in started with
                current = await self._plan_for(uow, checkin)
                out.to_patient(patient.id, texts.CHECKIN_ALREADY_OPEN, purpose="checkin")
            await self._ask(uow, patient, checkin, current, out)
            await self._touch(uow, patient, now)
            await commit(uow, out, update_id)

    async def now_for(self, actor: Actor, reference: str) -> Checkin:
        """``clinician checkin now P``: an ad-hoc check-in, sent at once."""
        now = self._clock.now()
        async with self._uows() as uow:
            patient = await self._access.resolve(uow, actor, reference, "checkin.now")
            if patient.status not in ACTIVE:
                raise Conflict(
                    f"{patient.reference} is {patient.status.value}; check-ins go to active "
                    "patients who have linked Telegram and agreed to take part"
                )
            checkin = self.new_checkin(patient, origin="adhoc", due_at=now, now=now)
            await uow.checkins.add(checkin)
            out = Outgoing(f"adhoc:{checkin.id}", now)
            self.invitation(checkin, out, priority=Priority.INTERACTIVE)
            for message in out.messages:
                await uow.outbox.enqueue(message)
            await uow.audit.append(
                actor=actor.audit_name, action="checkin.now", at=now, patient_ref=patient.reference
            )
            await uow.commit()
            return checkin

    # --- asking ---------------------------------------------------------------------
    async def _ask(
        self,
        uow: UnitOfWork,
        patient: Patient,
        checkin: Checkin,
        current: CurrentPlan,
        out: Outgoing,
    ) -> Checkin:
        """Send the question the row is waiting for, and remember its message."""
        questions = current.questions
        if checkin.plan_version is None and current.version is not None:
            checkin = replace(checkin, plan_version=current.version)
        position = checkin.cursor
        if position >= len(questions):
            return await self._finish(uow, patient, checkin, current.plan, questions, out)
        selected = await uow.checkins.selection(checkin)
        text, rows = self._pads.render(
            checkin, position, questions[position], current.plan, len(questions), selected
        )
        message = out.to_patient(
            patient.id,
            text,
            purpose="checkin",
            buttons=rows or None,
            key=f"q:{checkin.id}:{position}",
            ref_kind="checkin",
            ref_id=checkin.id,
        )
        status = CheckinStatus.IN_PROGRESS if checkin.cursor else CheckinStatus.SENT
        checkin = replace(
            checkin,
            question_ref=message.id,
            status=status,
            started_at=checkin.started_at or out.now,
        )
        await uow.checkins.update(checkin)
        return checkin

    async def _plan_for(self, uow: UnitOfWork, checkin: Checkin) -> CurrentPlan:
        current = await self._plans.current(uow, checkin.patient_id)
        if checkin.plan_version is not None and checkin.plan_version != current.version:
            plan = await self._plans.version(uow, checkin.patient_id, checkin.plan_version)
            if plan is not None:  # keep asking what the check-in started with
                return CurrentPlan(checkin.plan_version, plan)
        return current

    # --- answering -----------------------------------------------------------------
    async def press(self, chat_id: int, data: str, callback_query_id: str, update_id: int) -> None:
        """Any check-in button. Anything that does not fit the row is ignored and logged."""
        now = self._clock.now()
        async with self._uows() as uow:
            out = Outgoing(f"upd:{update_id}", now)
            patient = await uow.patients.by_chat(chat_id)
            press = buttons.parse_checkin_press(data)
            checkin = None if press is None else await uow.checkins.get(press.checkin_id, lock=True)
            if patient is None:
                await self._refuse(uow, "unknown_chat", None)
                await commit(uow, out, update_id)
                return
            out.answer_callback("patient", patient.id, callback_query_id, patient_id=patient.id)
            if press is None or checkin is None or checkin.patient_id != patient.id:
                await self._refuse(uow, "forged", patient.reference)
            elif not checkin.status.open or (checkin.expires_at and checkin.expires_at <= now):
                out.to_patient(patient.id, texts.CHECKIN_STALE, purpose="checkin")
                await self._refuse(uow, "stale", patient.reference)
            elif patient.status not in ACTIVE:
                out.to_patient(patient.id, texts.CHECKIN_UNAVAILABLE, purpose="checkin")
            else:
                await self._apply(uow, patient, checkin, press, out)
                await self._touch(uow, patient, now)
            await commit(uow, out, update_id)

    async def _refuse(self, uow: UnitOfWork, why: str, patient_ref: str | None) -> None:
        log.info("checkin.press_ignored reason=%s", why)
        await uow.audit.append(
            actor="system",
            action=f"checkin.press_{why}",
            at=self._clock.now(),
            patient_ref=patient_ref,
        )

    async def _apply(
        self,
        uow: UnitOfWork,
        patient: Patient,
        checkin: Checkin,
        press: buttons.Press,
        out: Outgoing,
    ) -> None:
        current = await self._plan_for(uow, checkin)
        questions = current.questions
        if press.kind == buttons.START:
            if checkin.question_ref is None:  # not started yet: ask the first question
                await self._ask(uow, patient, checkin, current, out)
            return
        if press.position != checkin.cursor or checkin.cursor >= len(questions):
            await self._refuse(uow, "stale", patient.reference)
            return
        position = checkin.cursor
        question = questions[position]
        if press.kind == buttons.SKIP:
            await self._record(uow, patient, checkin, question, position, None, current, out)
            return
        matched = self._pads.match(checkin, position, question, current.plan, press.tag)
        if press.kind == buttons.TOGGLE and matched is not None and matched != NONE_VALUE:
            selected = await uow.checkins.selection(checkin)
            selected = (
                [s for s in selected if s != matched]
                if matched in selected
                else [*selected, matched]
            )
            await uow.checkins.set_selection(checkin, selected)
            text, rows = self._pads.render(
                checkin, position, question, current.plan, len(questions), selected
            )
            if checkin.question_ref:
                out.edit_for_patient(
                    patient.id,
                    checkin.question_ref,
                    text,
                    purpose="checkin",
                    buttons=rows,
                    key=f"sel:{len(selected)}",
                )
            return
        if press.kind == buttons.DONE:
            value: Any = await uow.checkins.selection(checkin)
            if question.kind is QuestionKind.CHOICE:
                value = [question.options[int(v)] for v in value]
        elif press.kind == buttons.ANSWER and matched is not None:
            value = parse_value(question, matched)
        else:
            await self._refuse(uow, "forged", patient.reference)
            return
        await self._record(uow, patient, checkin, question, position, value, current, out)

    async def _record(
        self,
        uow: UnitOfWork,
        patient: Patient,
        checkin: Checkin,
        question: CheckinQuestion,
        position: int,
        value: Any,
        current: CurrentPlan,
        out: Outgoing,
    ) -> None:
        await uow.checkins.record_answer(checkin, question.id, position, value, out.now)
        await uow.checkins.set_selection(checkin, None)
        if checkin.question_ref:  # close the answered question: no stale buttons left
            text = question_text(position, len(current.questions), question) + "\n✓"
            out.edit_for_patient(
                patient.id,
                checkin.question_ref,
                text,
                purpose="checkin",
                buttons=[],
                key=f"closed:{checkin.id}:{position}",
            )
        checkin = replace(checkin, cursor=position + 1, status=CheckinStatus.IN_PROGRESS)
        await uow.checkins.update(checkin)
        await self._ask(uow, patient, checkin, current, out)

    async def text_answer(
        self, uow: UnitOfWork, patient: Patient, text: str, out: Outgoing
    ) -> bool:
        """Free text while the open check-in waits for a text answer; True if consumed."""
        checkin = await uow.checkins.open_for_patient(patient.id)
        if checkin is None or checkin.question_ref is None:
            return False
        current = await self._plan_for(uow, checkin)
        if checkin.cursor >= len(current.questions):
            return False
        question = current.questions[checkin.cursor]
        if question.kind is not QuestionKind.TEXT:
            return False
        await self._record(
            uow, patient, checkin, question, checkin.cursor, text.strip()[:2000], current, out
        )
        return True

    # --- finishing ------------------------------------------------------------------
    async def _finish(
        self,
        uow: UnitOfWork,
        patient: Patient,
        checkin: Checkin,
        plan: Plan,
        questions: tuple[CheckinQuestion, ...],
        out: Outgoing,
    ) -> Checkin:
        answers = {a.question_id: a for a in await uow.checkins.answers(checkin)}
        kinds = {q.kind: answers.get(q.id) for q in questions}
        # free-text answers were triaged the moment they arrived (see text_answer)
        signals = Signals(
            checkin=CheckinAnswers(
                craving=self._int(kinds.get(QuestionKind.CRAVING)),
                mood=self._int(kinds.get(QuestionKind.MOOD)),
                triggers=frozenset(self._list(kinds.get(QuestionKind.TRIGGERS))),
                used=self._bool(kinds.get(QuestionKind.USE)),
                confidence=self._int(kinds.get(QuestionKind.CONFIDENCE)),
                sleep=self._int(kinds.get(QuestionKind.SLEEP)),
                warning_signs=frozenset(self._list(kinds.get(QuestionKind.WARNING_SIGNS))),
            ),
        )
        thresholds = self._plans.thresholds(plan)
        risk = assess(signals, thresholds)
        checkin = replace(
            checkin,
            status=CheckinStatus.COMPLETED,
            completed_at=out.now,
            question_ref=None,
            risk_level=None if risk.level is None else risk.level.value,
        )
        await uow.checkins.update(checkin)
        await uow.checkins.set_risk(checkin, checkin.risk_level, list(risk.reasons))
        out.to_patient(patient.id, texts.CHECKIN_THANKS, purpose="checkin", key="thanks")
        told = False  # "your care team has been told" only if someone was alerted
        if risk.findings:
            raised = await self._escalations.raise_findings(
                uow, patient, list(risk.findings), out, source="check-in"
            )
            told = await team_alerted(uow, raised)
        follow_up(
            patient,
            plan,
            signals,
            thresholds.confidence_at_most,
            thresholds.craving_at_least,
            told,
            out,
        )
        return checkin

    @staticmethod
    def _int(answer: Answer | None) -> int | None:
        return (
            answer.value
            if answer is not None
            and isinstance(answer.value, int)
            and not (isinstance(answer.value, bool))
            else None
        )

    @staticmethod
    def _bool(answer: Answer | None) -> bool | None:
        return answer.value if answer is not None and isinstance(answer.value, bool) else None

    @staticmethod
    def _list(answer: Answer | None) -> list[str]:
        if answer is None or not isinstance(answer.value, list):
            return []
        return [str(v) for v in answer.value]

    # --- plumbing -------------------------------------------------------------------
    async def _touch(self, uow: UnitOfWork, patient: Patient, now: datetime) -> None:
        await uow.patients.update(replace(patient, last_interaction_at=now, updated_at=now))
