"""The database side of sending: claim ready messages, resolve who they go to, and record
what happened (sent, retry later, failed, recipient unreachable).

The dispatcher in ``bot/delivery`` calls these; it never touches the store itself.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from bot.domain.model import DeliveryStatus, Level, OutboundMessage, PatientStatus
from bot.domain.risk import Finding
from bot.services.escalations import EscalationService
from bot.services.outgoing import Outgoing
from bot.services.ports import Clock, UnitOfWork, UnitOfWorkFactory
from bot.services.supporters import SupporterService

GONE = {PatientStatus.ERASED}
PATIENT_LOST = ("sendMessage", "sendDocument")  # failures the patient misses: the team is told


@dataclass(frozen=True)
class Ready:
    """A claimed message with its destination resolved.

    ``chat_id`` is the Telegram chat, or for e-mail and webhook rows a synthetic key that
    only keeps their order; ``address`` is the e-mail address for e-mail rows.
    """

    message: OutboundMessage
    chat_id: int
    address: str | None = None

    @property
    def priority(self) -> int:
        return self.message.priority


def backoff(attempts: int, *, base: float = 2.0, cap: float = 300.0) -> float:
    """Exponential backoff with full jitter, in seconds."""
    ceiling = min(cap, base * (2 ** max(0, attempts - 1)))
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not security


class DeliveryService:
    def __init__(
        self,
        uows: UnitOfWorkFactory,
        clock: Clock,
        escalations: EscalationService,
        *,
        max_attempts: int,
    ) -> None:
        self._uows = uows
        self._clock = clock
        self._escalations = escalations
        self.max_attempts = max_attempts
        self.supporters: SupporterService | None = None

    async def _chat_for(self, uow: UnitOfWork, message: OutboundMessage) -> tuple[int | None, str]:
        kind, rid = message.recipient_kind, message.recipient_id
        if kind in ("email", "webhook"):
            return -(10**15 + zlib.crc32(f"{kind}:{rid}".encode())), ""
        if kind == "chat":
            chat = message.payload.get("chat_id")
            return (int(chat), "") if isinstance(chat, int) else (None, "no chat id")
        if kind == "patient":
            patient = await uow.patients.get(rid)
            if patient is None or patient.status in GONE:
                return None, "patient erased"
            if patient.chat_id is None:
                return None, "patient has no linked chat"
            return patient.chat_id, ""
        if kind == "staff":
            staff = await uow.staff.get(rid)
            if staff is None or not staff.active:
                return None, "staff account inactive"
            chat = await uow.staff.chat_id(rid)
            return (chat, "") if chat is not None else (None, "staff Telegram not linked")
        if kind == "supporter":
            return await self._supporter_chat(uow, message)
        return None, f"unknown recipient kind {kind}"

    async def _supporter_chat(
        self, uow: UnitOfWork, message: OutboundMessage
    ) -> tuple[int | None, str]:
        return await uow.supporters.chat_if_consented(
            message.recipient_id, message.consent_scope, self._clock.now()
        )

    async def claim(self, limit: int, lease: timedelta) -> list[Ready]:
        """Claim ready rows; rows that must not be sent any more are cancelled here."""
        now = self._clock.now()
        async with self._uows() as uow:
            claimed = await uow.outbox.claim(now, limit, lease)
            ready: list[Ready] = []
            for message in claimed:
                chat_id, reason = await self._chat_for(uow, message)
                address = None
                if message.recipient_kind == "email":
                    staff = await uow.staff.get(message.recipient_id)
                    address = None if staff is None or not staff.active else staff.email
                    reason = "no e-mail address"
                if chat_id is None or (message.recipient_kind == "email" and not address):
                    await uow.outbox.mark_final(message.id, DeliveryStatus.CANCELLED, reason)
                    continue
                ready.append(Ready(message, chat_id, address))
            await uow.commit()
            return ready

    async def still_allowed(self, message: OutboundMessage, *, recheck: bool = False) -> bool:
        """Right before sending: consent to a supporter is checked again, and a row held a
        while (``recheck``) must still be the dispatcher's to send — not cancelled (an
        erasure, a /stop), failed, or handed back to waiting meanwhile."""
        if message.recipient_kind != "supporter" and not recheck:
            return True
        async with self._uows() as uow:
            if recheck:
                current = await uow.outbox.get(message.id)
                if current is None or current.status is not DeliveryStatus.SENDING:
                    return False
            if message.recipient_kind != "supporter":
                return True
            chat, reason = await self._supporter_chat(uow, message)
            if chat is None:
                await uow.outbox.mark_final(message.id, DeliveryStatus.CANCELLED, reason)
                await uow.commit()
                return False
            return True

    async def telegram_message_id(self, outbox_id: str) -> tuple[int | None, bool]:
        """The Telegram id of a message sent earlier; (None, False) if it never will be."""
        async with self._uows() as uow:
            original = await uow.outbox.get(outbox_id)
        if original is None or original.status in (DeliveryStatus.FAILED, DeliveryStatus.CANCELLED):
            return None, False
        return original.telegram_message_id, True

    def bot_params(self, ready: Ready, message_id: int | None) -> dict[str, Any]:
        params = {k: v for k, v in ready.message.payload.items() if k != "message_ref"}
        if ready.message.method == "email":
            params["to"] = ready.address
        elif ready.message.method == "answerCallbackQuery":
            params.pop("chat_id", None)
        elif ready.message.method != "webhook":
            params["chat_id"] = ready.chat_id
        if message_id is not None:
            params["message_id"] = message_id
        return params

    async def sent(self, message: OutboundMessage, telegram_message_id: int | None) -> None:
        await self.sent_many([(message, telegram_message_id)])

    async def sent_many(self, sent: list[tuple[OutboundMessage, int | None]]) -> None:
        """Record deliveries in one transaction (and when each check-in first went out)."""
        if not sent:
            return
        now = self._clock.now()
        async with self._uows() as uow:
            await uow.outbox.mark_sent_many([(m.id, tid) for m, tid in sent], now)
            checkins = [m.ref_id for m, tid in sent if m.ref_kind == "checkin" and m.ref_id and tid]
            if checkins:
                await uow.checkins.mark_sent(checkins, now)
            await uow.commit()

    async def retry(self, message: OutboundMessage, delay: float, error: str) -> None:
        async with self._uows() as uow:
            await uow.outbox.mark_retry(
                message.id, self._clock.now() + timedelta(seconds=delay), error
            )
            await uow.commit()

    async def attempt_failed(self, message: OutboundMessage, error: str, lease: timedelta) -> None:
        """Count a failed attempt; the dispatcher keeps the message at the head of its chat."""
        async with self._uows() as uow:
            await uow.outbox.note_attempt(message.id, error, self._clock.now() + lease)
            await uow.commit()

    async def take_over(self) -> int:
        """On becoming the leader: rows the previous (dead) leader had claimed are ours now."""
        async with self._uows() as uow:
            released = await uow.outbox.release_claims()
            await uow.commit()
            return released

    async def keep_leases(self, message_ids: list[str], lease: timedelta) -> None:
        if not message_ids:
            return
        async with self._uows() as uow:
            await uow.outbox.extend_leases(message_ids, self._clock.now() + lease)
            await uow.commit()

    async def cancelled(self, message: OutboundMessage, reason: str) -> None:
        async with self._uows() as uow:
            await uow.outbox.mark_final(message.id, DeliveryStatus.CANCELLED, reason)
            await uow.commit()

    async def failed(self, message: OutboundMessage, error: str) -> None:
        """Give up on a message; the care team is told, never silently dropped."""
        now = self._clock.now()
        async with self._uows() as uow:
            if not await uow.outbox.mark_final(message.id, DeliveryStatus.FAILED, error):
                await uow.commit()  # cancelled meanwhile (an erased patient): nobody to tell
                return
            out = Outgoing(f"failed:{message.id}", now)
            if (
                message.recipient_kind == "patient"
                and message.patient_id
                and message.method in PATIENT_LOST
            ):  # a stale button answer or a failed edit lost the patient nothing
                patient = await uow.patients.get(message.patient_id)
                if patient is not None and patient.status not in GONE:
                    await self._escalations.raise_findings(
                        uow,
                        patient,
                        [
                            Finding(
                                "delivery_failed",
                                Level.WARN,
                                f"a {message.purpose} message could not be delivered",
                            )
                        ],
                        out,
                        source="delivery",
                    )
            elif message.recipient_kind == "staff" and message.ref_kind == "escalation":
                await self._escalations.fall_back(uow, message, out)
            for extra in out.messages:
                await uow.outbox.enqueue(extra)
            await uow.commit()

    async def unreachable(self, message: OutboundMessage, error: str) -> None:
        """403: the person blocked the bot or never started it. No retry."""
        now = self._clock.now()
        async with self._uows() as uow:
            await uow.outbox.mark_final(message.id, DeliveryStatus.FAILED, error)
            out = Outgoing(f"unreachable:{message.id}", now)
            kind, rid = message.recipient_kind, message.recipient_id
            if kind != "chat":  # bare chats share one recipient id: the dispatcher cancels
                await uow.outbox.cancel_pending(  # only what it holds for this one chat
                    recipient_kind=kind, recipient_id=rid, reason="recipient unreachable"
                )
            if kind == "patient":
                patient = await uow.patients.get(rid)
                if patient is not None and patient.reachable and patient.status not in GONE:
                    await uow.patients.update(replace(patient, reachable=False, updated_at=now))
                    await self._escalations.raise_findings(
                        uow,
                        patient,
                        [
                            Finding(
                                "blocked_bot",
                                Level.WARN,
                                "cannot reach the patient on Telegram (blocked or left)",
                            )
                        ],
                        out,
                        source="delivery",
                    )
            elif kind == "staff":
                await uow.staff.set_reachable(rid, False)
                if message.ref_kind == "escalation":
                    await self._escalations.fall_back(uow, message, out)
            elif kind == "supporter" and self.supporters is not None:
                supporter = await uow.supporters.get(rid)
                if supporter is not None:
                    await self.supporters.unreachable(uow, supporter, out)
            for extra in out.messages:
                await uow.outbox.enqueue(extra)
            await uow.commit()
