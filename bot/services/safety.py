"""SOS and crisis language: the crisis lines first, at the front of the outbox, always.

The patient's screen gets the crisis lines and emergency number whatever the care team
does; the team gets a crisis escalation in the same transaction. Text describing a medical
emergency now (someone not breathing or not waking up) gets the same, led by what to do
first (call the emergency number, naloxone, breathing, stay with them). The escalation is the
record of it: no audit row says "SOS" or "crisis" (an audit row outlives erasure).

The "ask my supporters" button belongs to one escalation: its data carries the
escalation id and when it was offered, with a keyed tag over both, so it works only for
that patient, only for a day, and only once (a ``supporters_notified`` event on the
escalation's timeline records that it was used).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.domain.model import Escalation, Level, Patient, PatientStatus, Priority
from bot.domain.risk import Finding, Signals, TriageSignal, assess
from bot.domain.triage import Assessment, Category, TriageLevel
from bot.domain.triage import assess as triage
from bot.plans.model import CrisisInfo, Plan
from bot.services import texts
from bot.services.escalation_review import record_event
from bot.services.escalations import EscalationService, team_alerted
from bot.services.outgoing import SOS_KEYBOARD, Outgoing, commit, inline
from bot.services.planbook import PlanBook
from bot.services.ports import Clock, Signer, UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

SOS_NOTIFY = "sos:notify"  # sos:notify:<escalation id>:<offered, base 36 seconds>:<tag>
NOTIFY_TTL = timedelta(hours=24)
NOTIFIED = "supporters_notified"  # the escalation event that makes the button work once
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _base36(number: int) -> str:
    digits = ""
    while True:
        number, rest = divmod(number, 36)
        digits = _DIGITS[rest] + digits
        if not number:
            return digits


def notify_data(signer: Signer, patient: Patient, escalation: Escalation, offered: datetime) -> str:
    """The button's callback data (under Telegram's 64 bytes): escalation, time, tag."""
    stamp = _base36(int(offered.timestamp()))
    tag = signer.tag(f"sos-notify|{patient.id}|{escalation.id}|{stamp}")
    return f"{SOS_NOTIFY}:{escalation.id}:{stamp}:{tag}"


def read_notify_data(signer: Signer, patient: Patient, data: str) -> tuple[str, datetime] | None:
    """(escalation id, when offered) if the tag is this patient's, else None."""
    parts = data.split(":")
    if len(parts) != 5 or f"{parts[0]}:{parts[1]}" != SOS_NOTIFY:
        return None
    escalation_id, stamp, tag = parts[2], parts[3], parts[4]
    if len(escalation_id) != 32 or not stamp or any(c not in _DIGITS for c in stamp):
        return None
    if signer.tag(f"sos-notify|{patient.id}|{escalation_id}|{stamp}") != tag:
        return None
    return escalation_id, datetime.fromtimestamp(int(stamp, 36), UTC)


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


def crisis_header(result: Assessment) -> str:
    """What crisis text's crisis lines open with (``{emergency}`` still to fill in): for a
    medical emergency the steps to take now, else a word of worry and the emergency number."""
    if result.emergency:
        return texts.EMERGENCY_STEPS
    return texts.CRISIS_TEXT_RESPONSE + "\n" + texts.SOS_HEADER


def emergency_first(result: Assessment) -> tuple[str, ...]:
    """The triage reasons, a medical emergency's first: the first thing a clinician reads."""
    found = sorted(result.findings, key=lambda f: f.category is not Category.MEDICAL_EMERGENCY)
    return tuple(f.reason for f in found) or result.reasons


def asks_for_sos(text: str) -> bool:
    """The SOS button's text, or the /sos command (also as /sos@botname)."""
    words = text.strip().split()
    if not words:
        return False
    return text.strip() == texts.SOS_BUTTON or words[0].split("@")[0].lower() == "/sos"


class SafetyService:
    def __init__(
        self,
        uows: UnitOfWorkFactory,
        clock: Clock,
        planbook: PlanBook,
        escalations: EscalationService,
        supporters: SupporterNotices | None = None,
        signer: Signer | None = None,
    ) -> None:
        self._uows = uows
        self._clock = clock
        self._plans = planbook
        self._escalations = escalations
        self.supporters = supporters
        self.signer = signer

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
        position = len(out.messages)
        message = out.to_patient(
            patient.id, text, purpose="crisis", priority=Priority.CRISIS, key="crisis"
        )
        raised = await self._escalations.raise_findings(uow, patient, findings, out, source=source)
        # the offer names the escalation, which exists only now: complete the first message
        extra, data = await self._notify_offer(uow, patient, raised, out.now)
        if extra:
            payload = dict(message.payload, text=f"{text}\n\n{extra}")
            if data is not None:
                payload["reply_markup"] = inline([[(texts.SOS_NOTIFY_YES, data)]])
            out.messages[position] = replace(message, payload=payload)
        tell = current.plan.escalation.tell_patient is not False
        if not tell:
            closing = texts.SOS_KEYBOARD_HINT
        elif await team_alerted(uow, raised):
            closing = texts.SOS_TEAM_TOLD
        else:  # nobody on the team can be reached now: do not say anyone was alerted
            closing = texts.SOS_TEAM_NOT_REACHED
        out.to_patient(
            patient.id,
            closing,
            purpose="crisis",
            priority=Priority.CRISIS,
            reply_keyboard=SOS_KEYBOARD,
            key="crisis-team",
        )

    async def _notify_offer(
        self, uow: UnitOfWork, patient: Patient, raised: list[Escalation], now: datetime
    ) -> tuple[str, str | None]:
        """(text to add, button data): the offer, "already asked", or nothing."""
        if self.supporters is None or not raised:
            return "", None
        if self.signer is None:
            log.error("safety.no_signer: the supporters button cannot be offered")
            return "", None
        if not await self.supporters.count_with_scope(uow, patient, "crisis_notice"):
            return "", None
        escalation = next((e for e in raised if e.level is Level.CRISIS), raised[0])
        if await self._already_notified(uow, escalation):
            return texts.SOS_ALREADY_NOTIFIED, None
        return texts.SOS_NOTIFY_OFFER, notify_data(self.signer, patient, escalation, now)

    @staticmethod
    async def _already_notified(uow: UnitOfWork, escalation: Escalation) -> bool:
        return any(e.kind == NOTIFIED for e in await uow.escalations.events(escalation))

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
            # no audit row: the escalation raised above is the record of an SOS
            await uow.patients.update(replace(patient, last_interaction_at=now, updated_at=now))
            await commit(uow, out, update_id)
            return True

    async def notify_supporters(
        self, chat_id: int, data: str, callback_query_id: str, update_id: int
    ) -> None:
        """The "Yes, ask them" button: own escalation only, within a day, once."""
        now = self._clock.now()
        async with self._uows() as uow:
            out = Outgoing(f"upd:{update_id}", now)
            patient = await uow.patients.by_chat(chat_id)
            if patient is not None:
                out.answer_callback("patient", patient.id, callback_query_id, patient_id=patient.id)
                reply = await self._notify_pressed(uow, patient, data, out)
                if reply is not None:
                    out.to_patient(patient.id, reply, purpose="crisis", priority=Priority.CRISIS)
            await commit(uow, out, update_id)

    async def _notify_pressed(
        self, uow: UnitOfWork, patient: Patient, data: str, out: Outgoing
    ) -> str | None:
        """What to tell the patient after the press (None: a forged press, say nothing)."""
        if data == SOS_NOTIFY:  # a button from before buttons named their escalation
            return texts.SOS_NOTIFY_EXPIRED
        pressed = None if self.signer is None else read_notify_data(self.signer, patient, data)
        escalation = None
        if pressed is not None:
            escalation = await uow.escalations.get(pressed[0], lock=True)
        if pressed is None or escalation is None or escalation.patient_id != patient.id:
            log.info("safety.notify_ignored reason=forged")
            return None
        if out.now >= pressed[1] + NOTIFY_TTL:
            return texts.SOS_NOTIFY_EXPIRED
        if await self._already_notified(uow, escalation):
            return texts.SOS_ALREADY_NOTIFIED
        count = 0
        if self.supporters is not None:
            count = await self.supporters.notify(uow, patient, "crisis_notice", out)
        if not count:
            return texts.SOS_NO_SUPPORTERS
        await record_event(uow, escalation, NOTIFIED, out.now, detail=f"count={count}")
        return texts.SOS_NOTIFIED.format(count=count)

    async def message_set_aside(
        self,
        uow: UnitOfWork,
        patient: Patient,
        text: str | None,
        out: Outgoing,
        *,
        ask_team: bool,
    ) -> bool:
        """A patient's message failed processing for good. What it said is still read: an
        SOS (button or /sos) gets the SOS path, crisis language the crisis lines and a
        crisis escalation, concern a warn escalation; with ``ask_team`` (a patient in care)
        a ``message_set_aside`` escalation asks the team to follow up. True if anything
        was escalated."""
        source = "a message set aside"
        raised = False
        if text and asks_for_sos(text):
            findings = list(assess(Signals(sos=True)).findings)
            header = texts.SOS_HEADER
            await self.crisis_response(
                uow, patient, out, findings=findings, header=header, source=source
            )
            raised = True
        elif text:
            raised = await self.triage_text(uow, patient, text, out, source=source) in (
                TriageLevel.CRISIS,
                TriageLevel.CONCERN,
            )
        if ask_team:
            findings = list(assess(Signals(message_set_aside=True)).findings)
            await self._escalations.raise_findings(uow, patient, findings, out, source=source)
            raised = True
        return raised

    async def triage_text(
        self, uow: UnitOfWork, patient: Patient, text: str, out: Outgoing, *, source: str
    ) -> TriageLevel:
        """Triage free text; crisis → the SOS path, concern → a warn escalation. A medical
        emergency (someone not breathing, not waking up) is always crisis, and its crisis
        lines are led by what to do now: call the emergency number, naloxone, breathing,
        stay with them."""
        result = triage(text)
        level = TriageLevel.CRISIS if result.emergency else result.level
        if level is TriageLevel.NONE:
            return level
        reasons = emergency_first(result)
        signals = Signals(triage=TriageSignal(level.value, reasons), emergency=result.emergency)
        risk = assess(signals)
        if level is TriageLevel.CRISIS:
            await self.crisis_response(
                uow,
                patient,
                out,
                findings=list(risk.findings),
                header=crisis_header(result),
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
        # no audit row: the escalation raised above is the record of what was found
        return level
