"""SOS and crisis language: the crisis lines first, at the front of the outbox, always.

The patient's screen gets the crisis lines and emergency number whatever the care team
does; the team gets a crisis escalation in the same transaction.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from bot.domain.model import Patient, PatientStatus, Priority
from bot.domain.risk import Finding, Signals, TriageSignal, assess
from bot.domain.triage import TriageLevel
from bot.domain.triage import assess as triage
from bot.plans.model import CrisisInfo, Plan
from bot.services import texts
from bot.services.escalations import EscalationService
from bot.services.outgoing import SOS_KEYBOARD, Outgoing, commit
from bot.services.planbook import PlanBook
from bot.services.ports import Clock, UnitOfWork, UnitOfWorkFactory

SOS_NOTIFY = "sos:notify"


class SupporterNotices(Protocol):
    """The supporter side of SOS (see the supporters service)."""

    async def count_with_scope(self, uow: UnitOfWork, patient: Patient, scope: str) -> int: ...
    async def notify(self, uow: UnitOfWork, patient: Patient, scope: str, out: Outgoing) -> int: ...


def crisis_text(crisis: CrisisInfo, plan: Plan, *, header: str) -> str:
    lines = [header, "", texts.SOS_LINES]
    for line in crisis.lines:
        extra = f" ({line.text})" if line.text else ""
        lines.append(f"• {line.name}: {line.contact}{extra}")
    if plan.supports:
        lines += ["", texts.SOS_PEOPLE]
        for person in plan.supports:
            relation = f" ({person.relationship})" if person.relationship else ""
            lines.append(f"• {person.name}{relation}: {person.contact}")
    return "\n".join(lines)


class SafetyService:
    def __init__(
        self,
        uows: UnitOfWorkFactory,
        clock: Clock,
        planbook: PlanBook,
        escalations: EscalationService,
        supporters: SupporterNotices | None = None,
    ) -> None:
        self._uows = uows
        self._clock = clock
        self._plans = planbook
        self._escalations = escalations
        self.supporters = supporters

    async def crisis_response(
        self,
        uow: UnitOfWork,
        patient: Patient,
        out: Outgoing,
        *,
        findings: list[Finding],
        header: str,
        source: str,
    ) -> None:
        """Crisis lines to the patient (priority 0) and a crisis escalation, together."""
        current = await self._plans.current(uow, patient.id)
        crisis = self._plans.crisis(current.plan)
        emergency = crisis.emergency or "your local emergency number"
        text = crisis_text(crisis, current.plan, header=header.format(emergency=emergency))
        buttons = None
        if self.supporters is not None and await self.supporters.count_with_scope(
            uow, patient, "crisis_notice"
        ):
            text += "\n\n" + texts.SOS_NOTIFY_OFFER
            buttons = [[(texts.SOS_NOTIFY_YES, SOS_NOTIFY)]]
        out.to_patient(
            patient.id,
            text,
            purpose="crisis",
            priority=Priority.CRISIS,
            buttons=buttons,
            key="crisis",
        )
        await self._escalations.raise_findings(uow, patient, findings, out, source=source)
        tell = current.plan.escalation.tell_patient is not False
        out.to_patient(
            patient.id,
            texts.SOS_TEAM_TOLD if tell else texts.SOS_KEYBOARD_HINT,
            purpose="crisis",
            priority=Priority.CRISIS,
            reply_keyboard=SOS_KEYBOARD,
            key="crisis-team",
        )

    async def sos(self, chat_id: int, update_id: int) -> bool:
        """The SOS button or /sos. False if the chat is not a patient's."""
        now = self._clock.now()
        async with self._uows() as uow:
            patient = await uow.patients.by_chat(chat_id)
            if patient is None or patient.status in (PatientStatus.ERASED,):
                return False
            out = Outgoing(f"upd:{update_id}", now)
            risk = assess(Signals(sos=True))
            await self.crisis_response(
                uow,
                patient,
                out,
                findings=list(risk.findings),
                header=texts.SOS_HEADER,
                source="SOS",
            )
            await uow.patients.update(replace(patient, last_interaction_at=now, updated_at=now))
            await uow.audit.append(
                actor="patient", action="sos", at=now, patient_ref=patient.reference
            )
            await commit(uow, out, update_id)
            return True

    async def notify_supporters(self, chat_id: int, callback_query_id: str, update_id: int) -> None:
        now = self._clock.now()
        async with self._uows() as uow:
            out = Outgoing(f"upd:{update_id}", now)
            patient = await uow.patients.by_chat(chat_id)
            if patient is not None:
                count = 0
                if self.supporters is not None:
                    count = await self.supporters.notify(uow, patient, "crisis_notice", out)
                out.answer_callback("patient", patient.id, callback_query_id, patient_id=patient.id)
                out.to_patient(
                    patient.id,
                    texts.SOS_NOTIFIED.format(count=count) if count else texts.SOS_NO_SUPPORTERS,
                    purpose="crisis",
                    priority=Priority.CRISIS,
                )
            await commit(uow, out, update_id)

    async def triage_text(
        self, uow: UnitOfWork, patient: Patient, text: str, out: Outgoing, *, source: str
    ) -> TriageLevel:
        """Triage free text; crisis → the SOS path, concern → a warn escalation."""
        result = triage(text)
        if result.level is TriageLevel.NONE:
            return result.level
        risk = assess(Signals(triage=TriageSignal(result.level.value, result.reasons)))
        if result.level is TriageLevel.CRISIS:
            await self.crisis_response(
                uow,
                patient,
                out,
                findings=list(risk.findings),
                header=texts.CRISIS_TEXT_RESPONSE + "\n" + texts.SOS_HEADER,
                source=source,
            )
        else:
            await self._escalations.raise_findings(
                uow, patient, list(risk.findings), out, source=source
            )
            out.to_patient(
                patient.id,
                texts.CONCERN_TEXT_RESPONSE,
                purpose="concern",
                priority=Priority.INTERACTIVE,
                key="concern",
            )
        await uow.audit.append(
            actor="system",
            action=f"triage.{result.level.value}",
            at=out.now,
            patient_ref=patient.reference,
        )
        return result.level
