"""Family and friend supporters: the patient names the person, what they may receive,
and until when; can change or revoke it at any time, effective immediately.

In the spirit of 42 CFR Part 2 each grant is a consent record (who, scopes, purpose,
expiry, text version shown). Supporters only ever receive templated messages: never
answers, cravings, triggers, plan content or diagnoses. Consent is checked again when a
message is sent, not only when it is queued.

``SupporterService`` is the one entry point the bot, the ticks and the CLI use; the work
is done by the patient's side (``supporter_menu``), the supporter's side
(``supporter_membership``) and the notices sent under consent (``supporter_notices``).
"""

from __future__ import annotations

from bot.domain.model import Consent, EnrolmentCode, Patient, Supporter
from bot.services.access import Actor
from bot.services.outgoing import Outgoing, commit
from bot.services.patients import PatientAccess
from bot.services.ports import Clock, UnitOfWork, UnitOfWorkFactory
from bot.services.supporter_consent import PREFIX
from bot.services.supporter_membership import TWO_SIDED, SupporterMembership
from bot.services.supporter_menu import AWAIT_PREFIX, SupporterMenu
from bot.services.supporter_notices import ConsentedNotices


class SupporterService:
    prefix = AWAIT_PREFIX

    def __init__(
        self, uows: UnitOfWorkFactory, clock: Clock, *, bot_username: str | None = None
    ) -> None:
        self._uows = uows
        self._clock = clock
        self._access = PatientAccess(clock)
        self._notices = ConsentedNotices(uows, clock)
        self._patient_side = SupporterMenu(uows, clock, self._notices, bot_username=bot_username)
        self._supporter_side = SupporterMembership(uows, clock)

    # --- the patient's side -------------------------------------------------------------
    async def menu(self, chat_id: int, update_id: int) -> None:
        await self._patient_side.menu(chat_id, update_id)

    async def press(self, chat_id: int, data: str, callback_query_id: str, update_id: int) -> None:
        """Any ``sup:`` button, from the patient's menu or either side of joining."""
        now = self._clock.now()
        async with self._uows() as uow:
            out = Outgoing(f"upd:{update_id}", now)
            parts = data.removeprefix(PREFIX).split(":")
            action, arg = parts[0], parts[1] if len(parts) > 1 else ""
            extra = parts[2] if len(parts) > 2 else ""
            if action in TWO_SIDED:
                await self._supporter_side.press(uow, chat_id, action, arg, callback_query_id, out)
            else:
                await self._patient_side.press(
                    uow, chat_id, action, arg, extra, callback_query_id, out
                )
            await commit(uow, out, update_id)

    async def consume(
        self, uow: UnitOfWork, patient: Patient, awaiting: str, text: str, out: Outgoing
    ) -> None:
        """The supporter's name, typed by the patient (a TextConsumer)."""
        await self._patient_side.consume(uow, patient, awaiting, text, out)

    # --- the supporter's side -----------------------------------------------------------
    async def join(
        self, uow: UnitOfWork, code: EnrolmentCode, chat_id: int, first_name: str, out: Outgoing
    ) -> None:
        """``/start <code>`` from a supporter's Telegram: what they will and won't receive."""
        await self._supporter_side.join(uow, code, chat_id, first_name, out)

    async def supporter_stop(self, chat_id: int, update_id: int) -> bool:
        """``/stop`` from a supporter: they leave; the patient learns only that."""
        return await self._supporter_side.supporter_stop(chat_id, update_id)

    async def unreachable(self, uow: UnitOfWork, supporter: Supporter, out: Outgoing) -> None:
        """Blocked the bot (or left Telegram): stop, and tell the patient only that."""
        await self._supporter_side.unreachable(uow, supporter, out)

    async def blocked_by_chat(self, uow: UnitOfWork, chat_id: int, out: Outgoing) -> bool:
        return await self._supporter_side.blocked_by_chat(uow, chat_id, out)

    async def is_supporter_chat(self, uow: UnitOfWork, chat_id: int) -> bool:
        return await self._supporter_side.is_supporter_chat(uow, chat_id)

    # --- sending ------------------------------------------------------------------------
    async def count_with_scope(self, uow: UnitOfWork, patient: Patient, scope: str) -> int:
        return await self._notices.count_with_scope(uow, patient, scope)

    async def notify(self, uow: UnitOfWork, patient: Patient, scope: str, out: Outgoing) -> int:
        """Queue the templated message of ``scope`` to every supporter who may get it."""
        return await self._notices.notify(uow, patient, scope, out)

    async def weekly_summaries(self) -> int:
        """Tick: 'checked in N of the last 7 days' to supporters who may receive it."""
        return await self._notices.weekly_summaries()

    async def expire(self) -> int:
        """Tick: supporters whose consent has run out stop receiving anything."""
        return await self._notices.expire()

    # --- clinicians ----------------------------------------------------------------------
    async def for_clinician(
        self,
        actor: Actor,
        reference: str,
    ) -> tuple[Patient, list[tuple[Supporter, list[Consent]]]]:
        """Supporters and their consent history; clinicians cannot change consent."""
        async with self._uows() as uow:
            patient = await self._access.resolve(uow, actor, reference, "supporters.show")
            rows = [
                (s, await uow.consents.for_patient(patient.id, supporter_id=s.id))
                for s in await uow.supporters.for_patient(patient.id)
            ]
            await uow.audit.append(
                actor=actor.audit_name,
                action="supporters.show",
                at=self._clock.now(),
                patient_ref=patient.reference,
            )
            await uow.commit()
            return patient, rows
