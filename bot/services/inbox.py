"""The durable inbox: an update is stored before Telegram is told we have it.

Polling: the offset advances only after the batch is committed. Webhook: the HTTP 200
goes out only after the commit. Processing marks each update done in the same
transaction as its effects, so the same update twice has one effect.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot.domain.model import PatientStatus
from bot.services import texts
from bot.services.outgoing import AlreadyProcessed, Outgoing, commit
from bot.services.ports import Clock, UnitOfWorkFactory

if TYPE_CHECKING:
    from bot.services.safety import SafetyService

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
SET_ASIDE = "update_failed"  # the purpose of the reply to an update set aside
# a patient whose lost message the care team is asked to follow up
IN_CARE = frozenset({PatientStatus.ACTIVE, PatientStatus.PAUSED})


class InboxService:
    def __init__(
        self, uows: UnitOfWorkFactory, clock: Clock, safety: SafetyService | None = None
    ) -> None:
        self._uows = uows
        self._clock = clock
        self.safety = safety

    async def receive(self, updates: list[dict[str, Any]]) -> int:
        """Store a batch of raw updates (deduplicated by update_id); returns how many were new."""
        if not updates:
            return 0
        now = self._clock.now()
        async with self._uows() as uow:
            fresh = 0
            for update in updates:
                if await uow.inbox.add_if_new(int(update["update_id"]), update, now):
                    fresh += 1
            await uow.commit()
            return fresh

    async def pending(self, limit: int = 50) -> list[tuple[int, dict[str, Any]]]:
        async with self._uows() as uow:
            return await uow.inbox.pending(limit)

    async def done(self, update_id: int) -> None:
        """For updates no use case consumed (types we ignore): mark them processed.

        One conditional update: an update a use case already marked stays as it is.
        """
        async with self._uows() as uow:
            try:
                await uow.inbox.mark_done(update_id, self._clock.now())
            except AlreadyProcessed:
                return
            await uow.commit()

    async def failed(self, update_id: int, error: str) -> bool:
        """Record a failed attempt; True when it was the last one. Then call
        :meth:`set_aside`, which marks the update failed for good in the same transaction
        as what it tells people (so a failure there leaves it to be tried again)."""
        async with self._uows() as uow:
            if await uow.inbox.attempts(update_id) + 1 >= MAX_ATTEMPTS:
                return True
            await uow.inbox.mark_failed(update_id, error, self._clock.now(), final=False)
            await uow.commit()
            return False

    async def set_aside(
        self,
        update_id: int,
        error: str,
        chat_id: int | None,
        text: str | None = None,
        *,
        transient: Callable[[BaseException], bool] = lambda _: False,
    ) -> None:
        """An update that failed for good is not silent: its private chat (if known) is told
        something went wrong and pointed to /sos, and the audit log records it (the error
        type only, never content) so the operator sees it.

        For a patient, what they wrote is still read: SOS gets the SOS path, crisis language
        the crisis lines and a crisis escalation; for a patient in care a
        ``message_set_aside`` escalation asks the team to follow up. If that fails for a
        reason of its own, the chat is still told. An error ``transient`` recognises (the
        database or the keys) is raised with nothing written, so the update is tried again
        later. Setting an update aside twice has one effect."""
        try:
            await self._set_aside(update_id, error, chat_id, text, follow_up=True)
        except AlreadyProcessed:
            return
        except Exception as exc:
            if transient(exc):
                raise
            log.warning(
                "inbox.set_aside_no_follow_up update_id=%s error=%s",
                update_id,
                type(exc).__name__,
            )
            try:
                await self._set_aside(update_id, error, chat_id, None, follow_up=False)
            except AlreadyProcessed:
                return

    async def give_up(self, update_id: int, error: str) -> None:
        """The last resort when even :meth:`set_aside` fails: mark the update failed for
        good, so that it is not tried for ever."""
        async with self._uows() as uow:
            await uow.inbox.mark_failed(update_id, error, self._clock.now(), final=True)
            await uow.commit()

    async def _set_aside(
        self,
        update_id: int,
        error: str,
        chat_id: int | None,
        text: str | None,
        *,
        follow_up: bool,
    ) -> None:
        now = self._clock.now()
        async with self._uows() as uow:
            if not await uow.inbox.mark_failed(update_id, error, now, final=True):
                raise AlreadyProcessed(update_id)  # set aside (or done) already
            out = Outgoing(f"set-aside:{update_id}", now)
            patient = None if chat_id is None else await uow.patients.by_chat(chat_id)
            followed = False
            if patient is not None and patient.status is not PatientStatus.ERASED:
                out.to_patient(patient.id, texts.UPDATE_FAILED, purpose=SET_ASIDE, key="reply")
                if follow_up and self.safety is not None:
                    followed = await self.safety.message_set_aside(
                        uow, patient, text, out, ask_team=patient.status in IN_CARE
                    )
            elif chat_id is not None:
                out.add(
                    "chat",
                    "-",
                    "sendMessage",
                    {"chat_id": chat_id, "text": texts.UPDATE_FAILED},
                    purpose=SET_ASIDE,
                    key="reply",
                )
            told = "the chat was told" if out.messages else "no chat to tell"
            await uow.audit.append(
                actor="system",
                action="inbox.set_aside",
                at=now,
                patient_ref=None if patient is None else patient.reference,
                detail=f"update {update_id} failed {MAX_ATTEMPTS} times ({error[:60]}); {told}"
                + ("; an escalation was raised" if followed else ""),
            )
            await commit(uow, out)

    async def purge(self, older_than: timedelta) -> int:
        """Retention: payloads of updates processed, and of messages sent, failed or
        cancelled, longer ago than ``older_than`` are dropped; failed updates are deleted.
        An alert keeps its text while its escalation is open (acknowledging edits it)."""
        async with self._uows() as uow:
            dropped = await uow.inbox.purge_done_before(self._clock.now() - older_than)
            await uow.commit()
            return dropped

    async def ignore_callback(self, chat_id: int, callback_query_id: str, update_id: int) -> None:
        """A button nobody handles: answer it (so the spinner stops) and move on."""
        now = self._clock.now()
        async with self._uows() as uow:
            out = Outgoing(f"upd:{update_id}", now)
            out.add(
                "chat",
                "-",
                "answerCallbackQuery",
                {"chat_id": chat_id, "callback_query_id": callback_query_id},
                purpose="callback",
            )
            await commit(uow, out, update_id)
