"""Linking a Telegram chat to a person: invite codes, onboarding and consent.

Every outcome an unknown chat can see is one neutral message: it learns nothing about
whether a code exists, was used, expired or belongs to anyone. Every refused code, for
whatever reason (unknown, used, expired, revoked, or for a person who can no longer use
it), is counted against the chat, audited as ``enrol.bad_code`` and answered with the
same one message; such a code is not spent.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Protocol

from bot.domain.ids import new_id
from bot.domain.model import (
    Consent,
    EnrolmentCode,
    Level,
    Patient,
    PatientStatus,
    SupporterStatus,
)
from bot.domain.risk import Finding
from bot.services import texts
from bot.services.escalations import EscalationService
from bot.services.outgoing import SOS_KEYBOARD, Outgoing, commit
from bot.services.ports import Clock, UnitOfWork, UnitOfWorkFactory
from bot.services.supporter_membership import telegram_account

MAX_FAILED_PER_HOUR = 5
CONSENT_YES = "consent:yes"
CONSENT_NO = "consent:no"


class SupporterJoin(Protocol):
    """The supporter side of ``/start <code>`` (see the supporters service)."""

    async def join(
        self, uow: UnitOfWork, code: EnrolmentCode, chat_id: int, first_name: str, out: Outgoing
    ) -> None:
        """``first_name`` is the whole account as shown to the patient (``telegram_account``)."""


class EnrolmentService:
    def __init__(
        self,
        uows: UnitOfWorkFactory,
        clock: Clock,
        escalations: EscalationService,
        supporters: SupporterJoin | None = None,
    ) -> None:
        self._uows = uows
        self._clock = clock
        self._escalations = escalations
        self.supporters = supporters

    async def start(
        self,
        chat_id: int,
        code: str | None,
        update_id: int,
        *,
        first_name: str = "",
        username: str | None = None,
    ) -> None:
        """``/start`` with or without a code; the sender's Telegram first name and @username
        are kept only when a supporter joins (the patient is shown them to confirm)."""
        now = self._clock.now()
        async with self._uows() as uow:
            out = Outgoing(f"upd:{update_id}", now)
            if code:
                account = telegram_account(first_name, username)
                await self._redeem(uow, chat_id, code.strip(), out, account)
            else:
                await self._greet(uow, chat_id, out)
            await commit(uow, out, update_id)

    async def _greet(self, uow: UnitOfWork, chat_id: int, out: Outgoing) -> None:
        patient = await uow.patients.by_chat(chat_id)
        if patient is not None and patient.status is PatientStatus.ONBOARDING:
            self._ask_consent(patient, out)
        elif patient is not None and patient.status in (PatientStatus.ACTIVE, PatientStatus.PAUSED):
            out.to_patient(
                patient.id, texts.ALREADY_LINKED, purpose="start", reply_keyboard=SOS_KEYBOARD
            )
        else:
            self._reply_unknown(chat_id, texts.START_UNKNOWN, out)

    def _reply_unknown(self, chat_id: int, text: str, out: Outgoing) -> None:
        """A chat we do not know: its id travels only inside the encrypted payload."""
        out.add("chat", "-", "sendMessage", {"chat_id": chat_id, "text": text}, purpose="start")

    def _ask_consent(self, patient: Patient, out: Outgoing) -> None:
        out.to_patient(
            patient.id,
            texts.ONBOARDING,
            purpose="onboarding",
            buttons=[[(texts.CONSENT_YES, CONSENT_YES), (texts.CONSENT_NO, CONSENT_NO)]],
        )

    async def _redeem(
        self, uow: UnitOfWork, chat_id: int, secret: str, out: Outgoing, account: str
    ) -> None:
        now = out.now
        failures = await uow.enrolment.failed_attempts_since(chat_id, now - timedelta(hours=1))
        if failures >= MAX_FAILED_PER_HOUR:
            await uow.audit.append(
                actor="system",
                action="enrol.refused_brute_force",
                at=now,
                detail=f"failed_attempts={failures}",
            )
            self._reply_unknown(chat_id, texts.TOO_MANY_ATTEMPTS, out)
            return
        code = await uow.enrolment.find(secret)
        refused = await self._refusal(uow, code, chat_id, now)
        if code is None or refused is not None:
            await self._refuse(uow, chat_id, refused or "unknown", failures, out)
            return
        if not await uow.enrolment.mark_used(code.id, now):  # taken a moment ago
            await self._refuse(uow, chat_id, "unusable", failures, out)
            return
        await uow.enrolment.record_attempt(chat_id, True, now)
        if code.purpose == "staff" and code.staff_id is not None:
            await uow.staff.link_telegram(code.staff_id, chat_id)
            staff = await uow.staff.get(code.staff_id)
            await uow.audit.append(
                actor="system",
                action="staff.telegram_linked",
                at=now,
                detail=f"username={staff.username if staff else '?'}",
            )
            self._reply_unknown(
                chat_id, texts.STAFF_LINKED.format(name=staff.display_name if staff else ""), out
            )
        elif code.purpose == "supporter" and self.supporters is not None:
            await self.supporters.join(uow, code, chat_id, account, out)
        elif code.patient_id is not None:
            await self._link_patient(uow, code.patient_id, chat_id, out)

    async def _refusal(
        self, uow: UnitOfWork, code: EnrolmentCode | None, chat_id: int, now: datetime
    ) -> str | None:
        """Why this code cannot be redeemed from this chat (for the audit), or None."""
        if code is None:
            return "unknown"
        if not code.usable(now):
            return "unusable"
        if code.purpose == "staff":
            staff = None if code.staff_id is None else await uow.staff.get(code.staff_id)
            return None if staff is not None and staff.active else "staff_inactive"
        if code.purpose == "supporter":
            supporter = (
                None if code.supporter_id is None else await uow.supporters.get(code.supporter_id)
            )
            invited = supporter is not None and supporter.status is SupporterStatus.INVITED
            return None if invited and self.supporters is not None else "supporter_closed"
        if code.purpose == "patient" and code.patient_id is not None:
            patient = await uow.patients.get(code.patient_id)
            if patient is None or patient.status in (
                PatientStatus.ERASED,
                PatientStatus.DISCHARGED,
            ):
                return "patient_closed"
            other = await uow.patients.by_chat(chat_id)
            # one Telegram account belongs to one person; leave the other link alone
            return "chat_in_use" if other is not None and other.id != patient.id else None
        return "unknown_purpose"

    async def _refuse(
        self, uow: UnitOfWork, chat_id: int, reason: str, failures: int, out: Outgoing
    ) -> None:
        """Every refused code alike: counted, audited, one neutral answer, code not spent."""
        await uow.enrolment.record_attempt(chat_id, False, out.now)
        await uow.audit.append(
            actor="system",
            action="enrol.bad_code",
            at=out.now,
            detail=f"reason={reason} failed_attempts={failures + 1}",
        )
        self._reply_unknown(chat_id, texts.CODE_NOT_VALID, out)

    async def _link_patient(
        self, uow: UnitOfWork, patient_id: str, chat_id: int, out: Outgoing
    ) -> None:
        """Checked by ``_refusal`` first: the patient can link, and the chat is free."""
        now = out.now
        patient = await uow.patients.get(patient_id)
        if patient is None:
            return
        consented = patient.consented_at is not None and patient.status is not (
            PatientStatus.UNENROLLED
        )
        status = PatientStatus.ACTIVE if consented else PatientStatus.ONBOARDING
        linked = replace(
            patient,
            chat_id=chat_id,
            status=status,
            reachable=True,
            updated_at=now,
            last_interaction_at=now,
        )
        await uow.patients.update(linked)
        await uow.audit.append(
            actor="patient", action="enrol.linked", at=now, patient_ref=patient.reference
        )
        if consented:
            out.to_patient(
                patient.id, texts.ALREADY_LINKED, purpose="start", reply_keyboard=SOS_KEYBOARD
            )
        else:
            self._ask_consent(linked, out)

    async def consent(
        self, chat_id: int, agreed: bool, callback_query_id: str, update_id: int
    ) -> None:
        """The answer to the onboarding question; recorded with the text version shown."""
        now = self._clock.now()
        async with self._uows() as uow:
            out = Outgoing(f"upd:{update_id}", now)
            patient = await uow.patients.by_chat(chat_id)
            if patient is None:
                await uow.audit.append(actor="system", action="callback.unknown_chat", at=now)
                await commit(uow, out, update_id)
                return
            out.answer_callback("patient", patient.id, callback_query_id, patient_id=patient.id)
            if patient.status is not PatientStatus.ONBOARDING:
                await commit(uow, out, update_id)  # a stale button: nothing changes
                return
            consent = Consent(
                id=new_id(),
                patient_id=patient.id,
                kind="onboarding",
                scopes=frozenset({"companion"}),
                purpose="relapse-prevention support between appointments",
                text_version=texts.CONSENT_VERSION,
                granted_at=now,
                ended_at=None if agreed else now,
                end_reason=None if agreed else "declined",
            )
            await uow.consents.add(consent)
            if agreed:
                updated = replace(
                    patient,
                    status=PatientStatus.ACTIVE,
                    consented_at=now,
                    consent_version=texts.CONSENT_VERSION,
                    updated_at=now,
                    last_interaction_at=now,
                )
                out.to_patient(
                    patient.id,
                    texts.CONSENT_THANKS,
                    purpose="onboarding",
                    reply_keyboard=SOS_KEYBOARD,
                )
            else:
                updated = replace(
                    patient,
                    status=PatientStatus.UNENROLLED,
                    updated_at=now,
                    last_interaction_at=now,
                )
                out.to_patient(
                    patient.id,
                    texts.CONSENT_DECLINED,
                    purpose="onboarding",
                    reply_keyboard={"remove_keyboard": True},
                )
                await self._escalations.raise_findings(
                    uow,
                    updated,
                    [Finding("consent_declined", Level.INFO, "declined the onboarding consent")],
                    out,
                    source="onboarding",
                )
            await uow.patients.update(updated)
            await uow.audit.append(
                actor="patient",
                action="consent.given" if agreed else "consent.declined",
                at=now,
                patient_ref=patient.reference,
                detail=f"version={texts.CONSENT_VERSION}",
            )
            await commit(uow, out, update_id)
