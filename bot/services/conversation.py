"""Everything else a patient says: free text, /help, /stop, /mydata, blocking the bot.

Free text is always triaged first (crisis → the SOS path at once), then given to
whatever is waiting for it: an open check-in's text question, a plan suggestion, a
setting. Unknown chats get one neutral line and learn nothing.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from typing import Any, Protocol

from bot.domain.model import Level, Patient, PatientStatus
from bot.domain.risk import Finding
from bot.domain.triage import TriageLevel
from bot.services import texts
from bot.services.checkins import CheckinService
from bot.services.escalations import EscalationService
from bot.services.outgoing import SOS_KEYBOARD, Outgoing, commit
from bot.services.patients import end_all_support
from bot.services.ports import Clock, UnitOfWork, UnitOfWorkFactory
from bot.services.safety import SafetyService
from bot.services.supporters import SupporterService

STOP_YES = "stop:yes"
STOP_NO = "stop:no"


class TextConsumer(Protocol):
    """Something that may be waiting for the patient's next free text (see ``awaiting``)."""

    prefix: str

    async def consume(
        self, uow: UnitOfWork, patient: Patient, awaiting: str, text: str, out: Outgoing
    ) -> None: ...


class ConversationService:
    def __init__(
        self,
        uows: UnitOfWorkFactory,
        clock: Clock,
        safety: SafetyService,
        checkins: CheckinService,
        escalations: EscalationService,
        supporters: SupporterService,
    ) -> None:
        self._uows = uows
        self._clock = clock
        self._safety = safety
        self._checkins = checkins
        self._escalations = escalations
        self._supporters = supporters
        self.consumers: list[TextConsumer] = []

    async def _patient(self, uow: UnitOfWork, chat_id: int) -> Patient | None:
        patient = await uow.patients.by_chat(chat_id)
        if patient is None or patient.status is PatientStatus.ERASED:
            return None
        return patient

    async def _unknown(self, uow: UnitOfWork, chat_id: int, out: Outgoing) -> None:
        """Not a patient: a supporter gets their own help; anyone else one neutral line."""
        text = texts.NOT_ENROLLED
        if await self._supporters.is_supporter_chat(uow, chat_id):
            text = texts.Supporters.SUPPORTER_HELP
        elif await uow.staff.by_chat(chat_id) is not None:
            text = texts.STAFF_HELP
        out.add("chat", "-", "sendMessage", {"chat_id": chat_id, "text": text}, purpose="unknown")

    async def free_text(self, chat_id: int, text: str, update_id: int) -> None:
        now = self._clock.now()
        async with self._uows() as uow:
            out = Outgoing(f"upd:{update_id}", now)
            patient = await self._patient(uow, chat_id)
            if patient is None:
                await self._unknown(uow, chat_id, out)
                await commit(uow, out, update_id)
                return
            level = await self._safety.triage_text(uow, patient, text, out, source="message")
            patient = await uow.patients.get(patient.id) or patient
            patient = replace(patient, last_interaction_at=now, updated_at=now)
            await uow.patients.update(patient)  # first, so later changes build on it
            handled = level is not TriageLevel.NONE
            if patient.status is PatientStatus.ONBOARDING:
                if not handled:
                    out.to_patient(patient.id, texts.NEEDS_CONSENT, purpose="onboarding")
            elif await self._checkins.text_answer(uow, patient, text, out):
                handled = True
            else:
                awaiting = patient.awaits(now)
                consumer = next(
                    (
                        c
                        for c in self.consumers
                        if awaiting is not None and awaiting.startswith(c.prefix)
                    ),
                    None,
                )
                if consumer is not None and awaiting is not None:
                    patient = replace(patient, awaiting=None, awaiting_until=None)
                    await uow.patients.update(patient)
                    await consumer.consume(uow, patient, awaiting, text, out)
                    handled = True
            if not handled:
                out.to_patient(patient.id, texts.UNREADABLE, purpose="help")
            await commit(uow, out, update_id)

    async def help(self, chat_id: int, update_id: int) -> None:
        now = self._clock.now()
        async with self._uows() as uow:
            out = Outgoing(f"upd:{update_id}", now)
            patient = await self._patient(uow, chat_id)
            if patient is None:
                await self._unknown(uow, chat_id, out)
            else:
                out.to_patient(patient.id, texts.HELP, purpose="help", reply_keyboard=SOS_KEYBOARD)
            await commit(uow, out, update_id)

    # --- /stop ----------------------------------------------------------------------
    async def stop(self, chat_id: int, update_id: int) -> None:
        """``/stop``: a patient is asked to confirm; a supporter leaves at once."""
        async with self._uows() as uow:
            is_patient = await self._patient(uow, chat_id) is not None
            is_supporter = not is_patient and await self._supporters.is_supporter_chat(uow, chat_id)
        if is_supporter:  # supporter_stop marks the update processed, whatever it finds
            await self._supporters.supporter_stop(chat_id, update_id)
            return
        now = self._clock.now()
        async with self._uows() as uow:
            out = Outgoing(f"upd:{update_id}", now)
            patient = await self._patient(uow, chat_id)
            if patient is None:
                await self._unknown(uow, chat_id, out)
            else:
                out.to_patient(
                    patient.id,
                    texts.STOP_CONFIRM,
                    purpose="stop",
                    buttons=[[(texts.STOP_YES, STOP_YES), (texts.STOP_NO, STOP_NO)]],
                )
            await commit(uow, out, update_id)

    async def stop_answer(
        self, chat_id: int, confirmed: bool, callback_query_id: str, update_id: int
    ) -> None:
        now = self._clock.now()
        async with self._uows() as uow:
            out = Outgoing(f"upd:{update_id}", now)
            patient = await self._patient(uow, chat_id)
            if patient is not None:
                out.answer_callback("patient", patient.id, callback_query_id, patient_id=patient.id)
                if not confirmed or patient.status is PatientStatus.UNENROLLED:
                    out.to_patient(patient.id, texts.STOP_KEPT, purpose="stop")
                else:
                    stopped = replace(patient, status=PatientStatus.UNENROLLED, updated_at=now)
                    await uow.patients.update(stopped)
                    await uow.schedules.deactivate_for_patient(patient.id, now)
                    await end_all_support(uow, stopped, reason="stopped", actor="patient", now=now)
                    await self._escalations.raise_findings(
                        uow,
                        stopped,
                        [
                            Finding(
                                "patient_stopped",
                                Level.INFO,
                                "the patient stopped the companion (/stop)",
                            )
                        ],
                        out,
                        source="/stop",
                    )
                    await uow.audit.append(
                        actor="patient",
                        action="patient.stop",
                        at=now,
                        patient_ref=patient.reference,
                    )
                    out.to_patient(
                        patient.id,
                        texts.STOPPED,
                        purpose="stop",
                        reply_keyboard={"remove_keyboard": True},
                    )
            await commit(uow, out, update_id)

    # --- /mydata --------------------------------------------------------------------
    async def my_data(self, chat_id: int, update_id: int) -> None:
        """The patient's own data as a JSON document, sent to their own chat."""
        now = self._clock.now()
        async with self._uows() as uow:
            out = Outgoing(f"upd:{update_id}", now)
            patient = await self._patient(uow, chat_id)
            if patient is None:
                await self._unknown(uow, chat_id, out)
            else:
                document = await self._export(uow, patient)
                out.add(
                    "patient",
                    patient.id,
                    "sendDocument",
                    {
                        "document_json": json.dumps(
                            document, indent=2, ensure_ascii=False, default=str
                        ),
                        "filename": "my-companion-data.json",
                        "caption": texts.MYDATA_CAPTION,
                        "protect_content": True,
                    },
                    purpose="mydata",
                    patient_id=patient.id,
                )
                await uow.audit.append(
                    actor="patient", action="patient.mydata", at=now, patient_ref=patient.reference
                )
            await commit(uow, out, update_id)

    async def _export(self, uow: UnitOfWork, patient: Patient) -> dict[str, Any]:
        checkins = await uow.checkins.for_patient(patient.id)
        answers = await uow.checkins.answers_for_patient(patient.id)
        plan = await uow.plans.latest(patient.id)
        consents = await uow.consents.for_patient(patient.id)
        return {
            "about": texts.MYDATA_ABOUT,
            "reference": patient.reference,
            "name": patient.name,
            "time_zone": patient.timezone,
            "status": patient.status.value,
            "enrolled_at": _iso(patient.created_at),
            "consents": [
                {
                    "kind": c.kind,
                    "scopes": sorted(c.scopes),
                    "version": c.text_version,
                    "granted_at": _iso(c.granted_at),
                    "ended_at": _iso(c.ended_at),
                    "end_reason": c.end_reason,
                }
                for c in consents
            ],
            "plan": None
            if plan is None
            else {"version": plan.version, "text": plan.text, "updated_at": _iso(plan.created_at)},
            "checkins": [
                {
                    "due_at": _iso(c.due_at),
                    "status": c.status.value,
                    "answers": {a.question_id: a.value for a in answers.get(c.id, [])},
                }
                for c in checkins
            ],
        }

    # --- Telegram membership ------------------------------------------------------------
    async def membership(self, chat_id: int, blocked: bool, update_id: int) -> None:
        """``my_chat_member``: a patient blocking the bot is a signal the team should see."""
        now = self._clock.now()
        async with self._uows() as uow:
            out = Outgoing(f"upd:{update_id}", now)
            patient = await self._patient(uow, chat_id)
            if patient is None and blocked:
                await self._supporters.blocked_by_chat(uow, chat_id, out)
            if patient is not None and patient.reachable == blocked:
                await uow.patients.update(replace(patient, reachable=not blocked, updated_at=now))
                if blocked:
                    await uow.outbox.cancel_pending(
                        recipient_kind="patient",
                        recipient_id=patient.id,
                        reason="patient blocked the bot",
                    )
                    await self._escalations.raise_findings(
                        uow,
                        patient,
                        [Finding("blocked_bot", Level.WARN, "the patient blocked the bot")],
                        out,
                        source="Telegram",
                    )
                await uow.audit.append(
                    actor="patient",
                    action="patient.blocked" if blocked else "patient.unblocked",
                    at=now,
                    patient_ref=patient.reference,
                )
            await commit(uow, out, update_id)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")
