"""Building outbox messages: Bot API payloads with idempotency keys.

Services never talk to Telegram; they write these rows in the same transaction as the
state change that causes them, and the delivery dispatcher sends them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.domain.ids import new_id
from bot.domain.model import OutboundMessage, Priority
from bot.services import texts
from bot.services.ports import UnitOfWork

Button = tuple[str, str]  # (label, callback_data)

SOS_KEYBOARD: dict[str, Any] = {
    "keyboard": [[{"text": texts.SOS_BUTTON}]],
    "resize_keyboard": True,
    "is_persistent": True,
}


def inline(rows: Sequence[Sequence[Button]]) -> dict[str, Any]:
    return {
        "inline_keyboard": [
            [{"text": label, "callback_data": data} for label, data in row] for row in rows
        ]
    }


@dataclass
class Outgoing:
    """Collects the messages one use case sends, with keys derived from its cause."""

    cause: str  # e.g. "upd:1234" or "checkin:<id>:q2"
    now: datetime
    messages: list[OutboundMessage] = field(default_factory=list)

    def _key(self, suffix: str | None) -> str:
        return f"{self.cause}:{suffix if suffix is not None else len(self.messages)}"

    def add(
        self,
        recipient_kind: str,
        recipient_id: str,
        method: str,
        payload: dict[str, Any],
        *,
        purpose: str,
        priority: int = Priority.INTERACTIVE,
        patient_id: str | None = None,
        key: str | None = None,
        ref_kind: str | None = None,
        ref_id: str | None = None,
        consent_scope: str | None = None,
        message_id: str | None = None,
    ) -> OutboundMessage:
        message = OutboundMessage(
            id=message_id or new_id(),
            idempotency_key=self._key(key),
            recipient_kind=recipient_kind,
            recipient_id=recipient_id,
            method=method,
            payload=payload,
            purpose=purpose,
            # a microsecond apart, so messages of one use case keep their order
            created_at=self.now + timedelta(microseconds=len(self.messages)),
            next_attempt_at=self.now,
            priority=priority,
            patient_id=patient_id,
            consent_scope=consent_scope,
            ref_kind=ref_kind,
            ref_id=ref_id,
        )
        self.messages.append(message)
        return message

    def to_patient(
        self,
        patient_id: str,
        text: str,
        *,
        purpose: str,
        buttons: Sequence[Sequence[Button]] | None = None,
        reply_keyboard: dict[str, Any] | None = None,
        priority: int = Priority.INTERACTIVE,
        key: str | None = None,
        ref_kind: str | None = None,
        ref_id: str | None = None,
    ) -> OutboundMessage:
        """A message to a patient: always ``protect_content`` (no forwarding or saving)."""
        payload: dict[str, Any] = {"text": text, "protect_content": True}
        if buttons:
            payload["reply_markup"] = inline(buttons)
        elif reply_keyboard is not None:
            payload["reply_markup"] = reply_keyboard
        return self.add(
            "patient",
            patient_id,
            "sendMessage",
            payload,
            purpose=purpose,
            priority=priority,
            patient_id=patient_id,
            key=key,
            ref_kind=ref_kind,
            ref_id=ref_id,
        )

    def edit_for_patient(
        self,
        patient_id: str,
        original: str,
        text: str,
        *,
        purpose: str,
        buttons: Sequence[Sequence[Button]] | None = None,
        key: str | None = None,
    ) -> OutboundMessage:
        """Edit a message sent earlier (``original`` is its outbox id)."""
        payload: dict[str, Any] = {"text": text, "message_ref": original}
        if buttons is not None:
            payload["reply_markup"] = inline(buttons)
        return self.add(
            "patient",
            patient_id,
            "editMessageText",
            payload,
            purpose=purpose,
            patient_id=patient_id,
            key=key,
        )

    def answer_callback(
        self,
        recipient_kind: str,
        recipient_id: str,
        callback_query_id: str,
        text: str | None = None,
        *,
        patient_id: str | None = None,
    ) -> OutboundMessage:
        payload: dict[str, Any] = {"callback_query_id": callback_query_id}
        if text:
            payload["text"] = text
        return self.add(
            recipient_kind,
            recipient_id,
            "answerCallbackQuery",
            payload,
            purpose="callback",
            priority=Priority.INTERACTIVE - 1,
            patient_id=patient_id,
            key="cbq",
        )

    def to_staff(
        self,
        staff_id: str,
        text: str,
        *,
        purpose: str,
        buttons: Sequence[Sequence[Button]] | None = None,
        priority: int = Priority.ALERT,
        key: str | None = None,
        ref_kind: str | None = None,
        ref_id: str | None = None,
    ) -> OutboundMessage:
        payload: dict[str, Any] = {"text": text}
        if buttons:
            payload["reply_markup"] = inline(buttons)
        return self.add(
            "staff",
            staff_id,
            "sendMessage",
            payload,
            purpose=purpose,
            priority=priority,
            key=key,
            ref_kind=ref_kind,
            ref_id=ref_id,
        )


class AlreadyProcessed(Exception):
    """The update was handled by someone else meanwhile (another instance, a repeat).

    Raised by ``mark_done`` when the update's row is no longer pending; the use case's
    effects are rolled back, so the update has exactly one effect. Nothing to do.
    """

    def __init__(self, update_id: int) -> None:
        super().__init__(f"update {update_id} was already processed")
        self.update_id = update_id


async def commit(uow: UnitOfWork, out: Outgoing, update_id: int | None = None) -> None:
    """End a use case: mark its update processed, queue what it sends, commit — together.

    Marking the update first takes its row lock at once: on PostgreSQL a second instance
    working on the same update waits here for the first to commit, then finds it done and
    raises :class:`AlreadyProcessed` with everything it did rolled back.
    """
    if update_id is not None:
        try:
            await uow.inbox.mark_done(update_id, out.now)
        except AlreadyProcessed:
            await uow.rollback()
            raise
    for message in out.messages:
        await uow.outbox.enqueue(message)
    await uow.commit()
