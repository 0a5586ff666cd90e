"""Family and friend supporters: the patient names the person, what they may receive,
and until when; can change or revoke it at any time, effective immediately.

In the spirit of 42 CFR Part 2 each grant is a consent record (who, scopes, purpose,
expiry, text version shown). Supporters only ever receive templated messages: never
answers, cravings, triggers, plan content or diagnoses. Consent is checked again when a
message is sent, not only when it is queued.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.ids import new_id
from bot.domain.model import (
    SCOPES,
    CheckinStatus,
    Consent,
    EnrolmentCode,
    Patient,
    PatientStatus,
    Priority,
    Supporter,
    SupporterStatus,
)
from bot.services import texts
from bot.services.access import Actor
from bot.services.codes import new_secret_code
from bot.services.outgoing import Button, Outgoing
from bot.services.patients import PatientAccess
from bot.services.ports import Clock, UnitOfWork, UnitOfWorkFactory

t = texts.Supporters
PREFIX = "sup:"
AWAIT_PREFIX = "supporters:"
AWAIT_FOR = timedelta(minutes=30)
INVITE_TTL = timedelta(days=7)
EXPIRY_CHOICES = {"3m": 91, "6m": 182, "1y": 365}
CONSENT_PURPOSE = "support from a person the patient chose"
CONSENT_VERSION = "2026-11-s1"
OPEN = (SupporterStatus.INVITED, SupporterStatus.PENDING, SupporterStatus.ACTIVE)


class SupporterService:
    prefix = AWAIT_PREFIX

    def __init__(
        self, uows: UnitOfWorkFactory, clock: Clock, *, bot_username: str | None = None
    ) -> None:
        self._uows = uows
        self._clock = clock
        self._bot_username = bot_username
        self._access = PatientAccess(clock)

    async def _commit(self, uow: UnitOfWork, out: Outgoing, update_id: int | None) -> None:
        for message in out.messages:
            await uow.outbox.enqueue(message)
        if update_id is not None:
            await uow.inbox.mark_done(update_id, out.now)
        await uow.commit()

    async def _patient(self, uow: UnitOfWork, chat_id: int) -> Patient | None:
        patient = await uow.patients.by_chat(chat_id)
        if patient is None or patient.status not in (PatientStatus.ACTIVE, PatientStatus.PAUSED):
            return None
        return patient

    async def _active_consent(
        self, uow: UnitOfWork, supporter: Supporter, now: datetime
    ) -> Consent | None:
        consents = await uow.consents.for_patient(supporter.patient_id, supporter_id=supporter.id)
        return next((c for c in reversed(consents) if c.active(now)), None)

    # --- the patient's side -------------------------------------------------------------
    async def menu(self, chat_id: int, update_id: int) -> None:
        now = self._clock.now()
        async with self._uows() as uow:
            out = Outgoing(f"upd:{update_id}", now)
            patient = await self._patient(uow, chat_id)
            if patient is None:
                supporting = await uow.supporters.by_chat(chat_id)
                if supporting:
                    out.add(
                        "chat",
                        "-",
                        "sendMessage",
                        {"chat_id": chat_id, "text": t.SUPPORTER_HELP},
                        purpose="supporter",
                    )
            else:
                await self._menu(uow, patient, out)
            await self._commit(uow, out, update_id)

    async def _menu(self, uow: UnitOfWork, patient: Patient, out: Outgoing) -> None:
        lines = [t.MENU]
        rows: list[list[Button]] = []
        for supporter in await uow.supporters.for_patient(patient.id):
            if supporter.status not in OPEN:
                continue
            consent = await self._active_consent(uow, supporter, out.now)
            scopes = (
                ", ".join(
                    t.SCOPE_LABELS[s] for s in SCOPES if consent is not None and s in consent.scopes
                )
                or "nothing yet"
            )
            until = (
                f" until {consent.expires_at:%Y-%m-%d}" if consent and consent.expires_at else ""
            )
            lines.append(
                f"• {supporter.name} — {scopes}{until} ({t.STATUS_LABELS[supporter.status]})"
            )
            rows.append(
                [
                    (f"Change {supporter.name}", f"{PREFIX}edit:{supporter.id}"),
                    (f"Stop {supporter.name}", f"{PREFIX}revoke:{supporter.id}"),
                ]
            )
        if len(lines) == 1:
            lines.append(t.NONE_YET)
        rows.append([(t.ADD, f"{PREFIX}add")])
        if any(r for r in rows[:-1]):
            rows.append([(t.ASK_REACH_OUT, f"{PREFIX}reach")])
        out.to_patient(patient.id, "\n".join(lines), purpose="supporters", buttons=rows)

    async def press(self, chat_id: int, data: str, callback_query_id: str, update_id: int) -> None:
        now = self._clock.now()
        async with self._uows() as uow:
            out = Outgoing(f"upd:{update_id}", now)
            parts = data.removeprefix(PREFIX).split(":")
            action, arg = parts[0], parts[1] if len(parts) > 1 else ""
            extra = parts[2] if len(parts) > 2 else ""
            if action in ("accept", "decline", "confirm", "wrong"):
                await self._two_sided(uow, chat_id, action, arg, callback_query_id, out)
                await self._commit(uow, out, update_id)
                return
            patient = await self._patient(uow, chat_id)
            if patient is None:
                await self._commit(uow, out, update_id)
                return
            out.answer_callback("patient", patient.id, callback_query_id, patient_id=patient.id)
            supporter = await self._own(uow, patient, arg) if arg else None
            if action == "add":
                await uow.patients.update(
                    replace(
                        patient,
                        awaiting=f"{AWAIT_PREFIX}name",
                        awaiting_until=now + AWAIT_FOR,
                        updated_at=now,
                    )
                )
                out.to_patient(patient.id, t.ASK_NAME, purpose="supporters")
            elif action == "scope" and supporter is not None and extra in SCOPES:
                chosen = supporter.draft_scopes ^ {extra}
                supporter = replace(supporter, draft_scopes=frozenset(chosen), updated_at=now)
                await uow.supporters.save(supporter)
                self._ask_scopes(patient, supporter, out)
            elif action == "scopes_done" and supporter is not None and supporter.draft_scopes:
                rows = [
                    [
                        (label, f"{PREFIX}expiry:{supporter.id}:{key}")
                        for key, label in t.EXPIRY_LABELS.items()
                    ]
                ]
                out.to_patient(patient.id, t.ASK_EXPIRY, purpose="supporters", buttons=rows)
            elif action == "expiry" and supporter is not None and extra in EXPIRY_CHOICES:
                await self._grant(uow, patient, supporter, EXPIRY_CHOICES[extra], out)
            elif action == "edit" and supporter is not None and supporter.status in OPEN:
                consent = await self._active_consent(uow, supporter, now)
                supporter = replace(
                    supporter,
                    draft_scopes=consent.scopes if consent else frozenset(),
                    updated_at=now,
                )
                await uow.supporters.save(supporter)
                self._ask_scopes(patient, supporter, out)
            elif action == "revoke" and supporter is not None and supporter.status in OPEN:
                await self._end(uow, supporter, SupporterStatus.REVOKED, "revoked", now)
                out.to_patient(
                    patient.id, t.REVOKED.format(name=supporter.name), purpose="supporters"
                )
            elif action == "reach":
                count = await self.notify(uow, patient, "reach_out", out)
                out.to_patient(
                    patient.id,
                    t.REACH_SENT.format(count=count) if count else t.REACH_NONE,
                    purpose="supporters",
                )
            await self._commit(uow, out, update_id)

    async def _own(self, uow: UnitOfWork, patient: Patient, supporter_id: str) -> Supporter | None:
        if len(supporter_id) != 32:
            return None
        supporter = await uow.supporters.get(supporter_id)
        return supporter if supporter is not None and supporter.patient_id == patient.id else None

    def _ask_scopes(self, patient: Patient, supporter: Supporter, out: Outgoing) -> None:
        rows: list[list[Button]] = [
            [
                (
                    ("✓ " if scope in supporter.draft_scopes else "") + t.SCOPE_LABELS[scope],
                    f"{PREFIX}scope:{supporter.id}:{scope}",
                )
            ]
            for scope in SCOPES
        ]
        rows.append([(t.DONE, f"{PREFIX}scopes_done:{supporter.id}")])
        out.to_patient(
            patient.id,
            t.ASK_SCOPES.format(name=supporter.name) + "\n\n" + t.SCOPE_EXPLAINED,
            purpose="supporters",
            buttons=rows,
            key=f"scopes:{len(supporter.draft_scopes)}",
        )

    async def consume(
        self, uow: UnitOfWork, patient: Patient, awaiting: str, text: str, out: Outgoing
    ) -> None:
        """The supporter's name, typed by the patient (a TextConsumer)."""
        name = " ".join(text.split())[:60]
        if not name:
            out.to_patient(patient.id, t.ASK_NAME, purpose="supporters")
            return
        supporter = Supporter(
            id=new_id(),
            patient_id=patient.id,
            name=name,
            status=SupporterStatus.DRAFT,
            created_at=out.now,
            updated_at=out.now,
            alias=patient.name.split()[0] if patient.name else "",
        )
        await uow.supporters.save(supporter)
        self._ask_scopes(patient, supporter, out)

    async def _grant(
        self, uow: UnitOfWork, patient: Patient, supporter: Supporter, days: int, out: Outgoing
    ) -> None:
        now = out.now
        for old in await uow.consents.for_patient(patient.id, supporter_id=supporter.id):
            if old.active(now):
                await uow.consents.end(old.id, now, "replaced")
        consent = Consent(
            id=new_id(),
            patient_id=patient.id,
            kind="supporter",
            scopes=supporter.draft_scopes,
            purpose=CONSENT_PURPOSE,
            text_version=CONSENT_VERSION,
            granted_at=now,
            supporter_id=supporter.id,
            expires_at=now + timedelta(days=days),
        )
        await uow.consents.add(consent)
        await uow.audit.append(
            actor="patient",
            action="supporter.consent",
            at=now,
            patient_ref=patient.reference,
            detail=f"supporter={supporter.id[:8]} scopes="
            f"{','.join(sorted(consent.scopes))} days={days}",
        )
        if supporter.status is SupporterStatus.DRAFT:
            supporter = replace(supporter, status=SupporterStatus.INVITED, updated_at=now)
            await uow.supporters.save(supporter)
            secret = new_secret_code("s")
            await uow.enrolment.add(
                EnrolmentCode(
                    id=new_id(),
                    purpose="supporter",
                    created_at=now,
                    expires_at=now + INVITE_TTL,
                    patient_id=patient.id,
                    supporter_id=supporter.id,
                ),
                secret,
            )
            username = await uow.meta.get("bot_username") or self._bot_username
            link = f"https://t.me/{username}?start={secret}" if username else f"/start {secret}"
            out.to_patient(
                patient.id,
                t.INVITE_READY.format(name=supporter.name, link=link),
                purpose="supporters",
            )
        else:
            out.to_patient(
                patient.id, t.SCOPES_CHANGED.format(name=supporter.name), purpose="supporters"
            )

    async def _end(
        self,
        uow: UnitOfWork,
        supporter: Supporter,
        status: SupporterStatus,
        reason: str,
        now: datetime,
    ) -> None:
        for consent in await uow.consents.for_patient(
            supporter.patient_id, supporter_id=supporter.id
        ):
            if consent.ended_at is None:
                await uow.consents.end(consent.id, now, reason)
        await uow.supporters.save(replace(supporter, status=status, updated_at=now))
        await uow.enrolment.revoke_open(supporter_id=supporter.id, now=now)
        await uow.outbox.cancel_pending(
            recipient_kind="supporter", recipient_id=supporter.id, reason=f"consent {reason}"
        )
        patient = await uow.patients.get(supporter.patient_id)
        await uow.audit.append(
            actor="patient" if reason == "revoked" else "supporter",
            action=f"supporter.{reason}",
            at=now,
            patient_ref=None if patient is None else patient.reference,
            detail=f"supporter={supporter.id[:8]}",
        )

    # --- the supporter's side -----------------------------------------------------------
    async def join(
        self, uow: UnitOfWork, code: EnrolmentCode, chat_id: int, first_name: str, out: Outgoing
    ) -> None:
        """``/start <code>`` from a supporter's Telegram: what they will and won't receive."""
        supporter = (
            None if code.supporter_id is None else await uow.supporters.get(code.supporter_id)
        )
        if supporter is None or supporter.status is not SupporterStatus.INVITED:
            out.add(
                "chat",
                "-",
                "sendMessage",
                {"chat_id": chat_id, "text": t.LINK_GONE},
                purpose="supporter",
            )
            return
        consent = await self._active_consent(uow, supporter, out.now)
        scopes = sorted(consent.scopes) if consent else []
        receive = "\n".join(f"• {t.SUPPORTER_SCOPE_TEXT[s]}" for s in scopes)
        supporter = replace(
            supporter, chat_id=chat_id, telegram_name=first_name[:64], updated_at=out.now
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

    async def _two_sided(
        self,
        uow: UnitOfWork,
        chat_id: int,
        action: str,
        supporter_id: str,
        callback_query_id: str,
        out: Outgoing,
    ) -> None:
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
                await self._end(uow, supporter, SupporterStatus.LEFT, "declined", now)
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
                    name=supporter.name, telegram_name=supporter.telegram_name or "(no name)"
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
                detail=f"supporter={supporter.id[:8]}",
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
            await self._end(uow, supporter, SupporterStatus.REVOKED, "revoked", now)
            out.to_patient(patient.id, t.REVOKED.format(name=supporter.name), purpose="supporters")

    async def supporter_stop(self, chat_id: int, update_id: int) -> bool:
        """``/stop`` from a supporter: they leave; the patient learns only that."""
        now = self._clock.now()
        async with self._uows() as uow:
            out = Outgoing(f"upd:{update_id}", now)
            supporting = [s for s in await uow.supporters.by_chat(chat_id) if s.status in OPEN]
            for supporter in supporting:
                await self._end(uow, supporter, SupporterStatus.LEFT, "left", now)
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
            await self._commit(uow, out, update_id)
            return bool(supporting)

    async def unreachable(self, uow: UnitOfWork, supporter: Supporter, out: Outgoing) -> None:
        """Blocked the bot (or left Telegram): stop, and tell the patient only that."""
        if supporter.status is not SupporterStatus.ACTIVE:
            return
        await self._end(uow, supporter, SupporterStatus.UNREACHABLE, "unreachable", out.now)
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

    # --- sending ------------------------------------------------------------------------
    async def count_with_scope(self, uow: UnitOfWork, patient: Patient, scope: str) -> int:
        now = self._clock.now()
        count = 0
        for supporter in await uow.supporters.for_patient(patient.id):
            consent = await self._active_consent(uow, supporter, now)
            if supporter.status is SupporterStatus.ACTIVE and consent and scope in consent.scopes:
                count += 1
        return count

    async def notify(self, uow: UnitOfWork, patient: Patient, scope: str, out: Outgoing) -> int:
        """Queue the templated message of ``scope`` to every supporter who may get it."""
        count = 0
        for supporter in await uow.supporters.for_patient(patient.id):
            consent = await self._active_consent(uow, supporter, out.now)
            if (
                supporter.status is not SupporterStatus.ACTIVE
                or consent is None
                or scope not in consent.scopes
            ):
                continue
            text = (t.CRISIS_NOTICE if scope == "crisis_notice" else t.REACH_OUT).format(
                alias=supporter.alias or "Someone you support"
            )
            out.add(
                "supporter",
                supporter.id,
                "sendMessage",
                {"text": text},
                purpose=scope,
                patient_id=patient.id,
                consent_scope=scope,
                priority=Priority.CRISIS if scope == "crisis_notice" else Priority.INTERACTIVE,
                key=f"{scope}:{supporter.id}",
            )
            count += 1
        await uow.audit.append(
            actor="patient",
            action=f"supporter.{scope}",
            at=out.now,
            patient_ref=patient.reference,
            detail=f"count={count}",
        )
        return count

    async def weekly_summaries(self) -> int:
        """Tick: 'checked in N of the last 7 days' to supporters who may receive it."""
        now = self._clock.now()
        sent = 0
        async with self._uows() as uow:
            out = Outgoing(f"weekly:{now.date().isoformat()}", now)
            for supporter in await uow.supporters.with_status(SupporterStatus.ACTIVE):
                if supporter.last_summary_at and now - supporter.last_summary_at < timedelta(
                    days=7
                ):
                    continue
                patient = await uow.patients.get(supporter.patient_id)
                consent = await self._active_consent(uow, supporter, now)
                if patient is None or consent is None or "weekly_summary" not in consent.scopes:
                    continue
                if supporter.last_summary_at is None and now - consent.granted_at < timedelta(
                    days=7
                ):
                    continue
                days = await self._days_checked_in(uow, patient, now)
                out.add(
                    "supporter",
                    supporter.id,
                    "sendMessage",
                    {"text": t.WEEKLY.format(alias=supporter.alias or "They", days=days)},
                    purpose="weekly_summary",
                    patient_id=patient.id,
                    consent_scope="weekly_summary",
                    priority=Priority.BULK,
                    key=f"weekly:{supporter.id}",
                )
                await uow.supporters.save(replace(supporter, last_summary_at=now))
                sent += 1
            await self._commit(uow, out, None)
        return sent

    async def _days_checked_in(self, uow: UnitOfWork, patient: Patient, now: datetime) -> int:
        zone = ZoneInfo(patient.timezone)
        recent = await uow.checkins.for_patient(patient.id, since=now - timedelta(days=7))
        return len(
            {
                c.completed_at.astimezone(zone).date()
                for c in recent
                if c.status is CheckinStatus.COMPLETED and c.completed_at is not None
            }
        )

    async def expire(self) -> int:
        """Tick: supporters whose consent has run out stop receiving anything."""
        now = self._clock.now()
        ended = 0
        async with self._uows() as uow:
            out = Outgoing(f"expire:{now.date().isoformat()}", now)
            for supporter in await uow.supporters.with_status(SupporterStatus.ACTIVE):
                if await self._active_consent(uow, supporter, now) is None:
                    await self._end(uow, supporter, SupporterStatus.EXPIRED, "expired", now)
                    out.to_patient(
                        supporter.patient_id,
                        t.EXPIRED.format(name=supporter.name),
                        purpose="supporters",
                        key=f"expired:{supporter.id}",
                    )
                    ended += 1
            await self._commit(uow, out, None)
        return ended

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
