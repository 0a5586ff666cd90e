"""The supporter's side: joining from the patient's invite link, accepting or declining,
the patient confirming it is the right account, and leaving (``/stop``, or blocking the bot).

Joining takes two yeses: the supporter accepts what they will receive, then the patient
confirms the Telegram account is the person they meant. The patient only ever learns
that someone left, never why.
"""

from __future__ import annotations

from dataclasses import replace

from bot.domain.ids import short_id
from bot.domain.model import EnrolmentCode, Supporter, SupporterStatus
from bot.services import texts
from bot.services.outgoing import Outgoing, commit
from bot.services.ports import Clock, UnitOfWork, UnitOfWorkFactory
from bot.services.supporter_consent import OPEN, PREFIX, active_consent, end_support

t = texts.Supporters
TWO_SIDED = ("accept", "decline", "confirm", "wrong")


def telegram_account(first_name: str, username: str | None) -> str:
    """How the joining Telegram account is shown to the patient: its first name and, so
    the patient can tell two "Sam"s apart, its @username (first names are not unique)."""
    name = " ".join(first_name.split())[:64] or "(no name)"
    handle = f"@{username.strip().lstrip('@')}"[:33] if username and username.strip() else ""
    return f'"{name}" {handle or t.NO_USERNAME}'


class SupporterMembership:
    def __init__(self, uows: UnitOfWorkFactory, clock: Clock) -> None:
        self._uows = uows
        self._clock = clock

    async def join(
        self, uow: UnitOfWork, code: EnrolmentCode, chat_id: int, account: str, out: Outgoing
    ) -> None:
        """``/start <code>`` from a supporter's Telegram: what they will and won't receive.

        ``account`` is how the Telegram account presents itself (``telegram_account``).
        """
        supporter = (
            None if code.supporter_id is None else await uow.supporters.get(code.supporter_id)
        )
        if supporter is None or supporter.status is not SupporterStatus.INVITED:
            # enrolment refuses such a code before it gets here; the same neutral answer
            out.add(
                "chat",
                "-",
                "sendMessage",
                {"chat_id": chat_id, "text": texts.CODE_NOT_VALID},
                purpose="supporter",
            )
            return
        consent = await active_consent(uow, supporter, out.now)
        scopes = sorted(consent.scopes) if consent else []
        receive = "\n".join(f"• {t.SUPPORTER_SCOPE_TEXT[s]}" for s in scopes)
        supporter = replace(
            supporter, chat_id=chat_id, telegram_name=account[:128], updated_at=out.now
        )
        await uow.supporters.save(supporter)
        out.add(
            "chat",
            "-",
            "sendMessage",
            {
                "chat_id": chat_id,
                "text": t.SUPPORTER_WELCOME.format(
                    alias=supporter.alias or "Someone", receive=receive
                ),
                "reply_markup": {
                    "inline_keyboard": [
                        [
                            {"text": t.ACCEPT, "callback_data": f"{PREFIX}accept:{supporter.id}"},
                            {"text": t.DECLINE, "callback_data": f"{PREFIX}decline:{supporter.id}"},
                        ]
                    ]
                },
            },
            purpose="supporter",
        )

    async def press(
        self,
        uow: UnitOfWork,
        chat_id: int,
        action: str,
        supporter_id: str,
        callback_query_id: str,
        out: Outgoing,
    ) -> None:
        """Accept or decline (the supporter's chat), confirm or wrong (the patient's chat)."""
        now = out.now
        supporter = await uow.supporters.get(supporter_id) if len(supporter_id) == 32 else None
        out.add(
            "chat",
            "-",
            "answerCallbackQuery",
            {"chat_id": chat_id, "callback_query_id": callback_query_id},
            purpose="callback",
        )
        if supporter is None:
            return
        if action in ("accept", "decline"):
            if supporter.chat_id != chat_id or supporter.status is not SupporterStatus.INVITED:
                return
            if action == "decline":
                await end_support(uow, supporter, SupporterStatus.LEFT, "declined", now)
                out.add(
                    "chat",
                    "-",
                    "sendMessage",
                    {"chat_id": chat_id, "text": t.DECLINED},
                    purpose="supporter",
                )
                return
            await uow.supporters.save(
                replace(supporter, status=SupporterStatus.PENDING, updated_at=now)
            )
            out.add(
                "chat",
                "-",
                "sendMessage",
                {"chat_id": chat_id, "text": t.ACCEPTED_WAIT},
                purpose="supporter",
            )
            out.to_patient(
                supporter.patient_id,
                t.CONFIRM_ACCOUNT.format(
                    name=supporter.name,
                    account=supporter.telegram_name or telegram_account("", None),
                ),
                purpose="supporters",
                buttons=[
                    [
                        (t.CONFIRM_YES, f"{PREFIX}confirm:{supporter.id}"),
                        (t.CONFIRM_NO, f"{PREFIX}wrong:{supporter.id}"),
                    ]
                ],
            )
            return
        patient = await uow.patients.by_chat(chat_id)
        if (
            patient is None
            or patient.id != supporter.patient_id
            or supporter.status is not SupporterStatus.PENDING
        ):
            return
        if action == "confirm":
            await uow.supporters.save(
                replace(supporter, status=SupporterStatus.ACTIVE, updated_at=now)
            )
            await uow.audit.append(
                actor="patient",
                action="supporter.confirmed",
                at=now,
                patient_ref=patient.reference,
                detail=f"supporter={short_id(supporter.id)}",
            )
            out.to_patient(
                patient.id, t.CONFIRMED.format(name=supporter.name), purpose="supporters"
            )
            out.add(
                "supporter",
                supporter.id,
                "sendMessage",
                {"text": t.NOW_ACTIVE},
                purpose="supporter",
                patient_id=patient.id,
                key="active",
            )
        else:
            await end_support(uow, supporter, SupporterStatus.REVOKED, "revoked", now)
            out.to_patient(patient.id, t.REVOKED.format(name=supporter.name), purpose="supporters")

    async def supporter_stop(self, chat_id: int, update_id: int) -> bool:
        """``/stop`` from a supporter: they leave; the patient learns only that."""
        now = self._clock.now()
        async with self._uows() as uow:
            out = Outgoing(f"upd:{update_id}", now)
            supporting = [s for s in await uow.supporters.by_chat(chat_id) if s.status in OPEN]
            for supporter in supporting:
                await end_support(uow, supporter, SupporterStatus.LEFT, "left", now)
                out.to_patient(
                    supporter.patient_id,
                    t.NO_LONGER.format(name=supporter.name),
                    purpose="supporters",
                    key=f"left:{supporter.id}",
                )
            if supporting:
                out.add(
                    "chat",
                    "-",
                    "sendMessage",
                    {"chat_id": chat_id, "text": t.LEFT},
                    purpose="supporter",
                )
            await commit(uow, out, update_id)
            return bool(supporting)

    async def unreachable(self, uow: UnitOfWork, supporter: Supporter, out: Outgoing) -> None:
        """Blocked the bot (or left Telegram): stop, and tell the patient only that."""
        if supporter.status is not SupporterStatus.ACTIVE:
            return
        await end_support(uow, supporter, SupporterStatus.UNREACHABLE, "unreachable", out.now)
        out.to_patient(
            supporter.patient_id,
            t.NO_LONGER.format(name=supporter.name),
            purpose="supporters",
            key=f"unreachable:{supporter.id}",
        )

    async def blocked_by_chat(self, uow: UnitOfWork, chat_id: int, out: Outgoing) -> bool:
        supporting = await uow.supporters.by_chat(chat_id)
        for supporter in supporting:
            await self.unreachable(uow, supporter, out)
        return bool(supporting)

    async def is_supporter_chat(self, uow: UnitOfWork, chat_id: int) -> bool:
        return any(s.status in OPEN for s in await uow.supporters.by_chat(chat_id))
