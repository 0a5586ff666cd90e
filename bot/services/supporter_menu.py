"""The patient's side: ``/supporters`` lists who they chose; they add a person by name,
pick what that person may receive and until when, change or stop it, or ask them all to
reach out.

Each grant is a consent record (scopes, purpose, expiry, text version shown) and replaces
the one before it; a first grant also makes the invite link the patient forwards.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.domain.ids import new_id, short_id
from bot.domain.model import (
    SCOPES,
    Consent,
    EnrolmentCode,
    Patient,
    PatientStatus,
    Supporter,
    SupporterStatus,
)
from bot.services import texts
from bot.services.codes import new_secret_code
from bot.services.outgoing import Button, Outgoing, commit
from bot.services.ports import Clock, UnitOfWork, UnitOfWorkFactory
from bot.services.supporter_consent import OPEN, PREFIX, active_consent, end_support
from bot.services.supporter_notices import ConsentedNotices

t = texts.Supporters
AWAIT_PREFIX = "supporters:"
AWAIT_FOR = timedelta(minutes=30)
INVITE_TTL = timedelta(days=7)
EXPIRY_CHOICES = {"3m": 91, "6m": 182, "1y": 365}
CONSENT_PURPOSE = "support from a person the patient chose"
CONSENT_VERSION = "2026-11-s1"
# a supporter being set up or still open; a press about anyone ended does nothing
EDITABLE = (SupporterStatus.DRAFT, *OPEN)


class SupporterMenu:
    prefix = AWAIT_PREFIX

    def __init__(
        self,
        uows: UnitOfWorkFactory,
        clock: Clock,
        notices: ConsentedNotices,
        *,
        bot_username: str | None = None,
    ) -> None:
        self._uows = uows
        self._clock = clock
        self._notices = notices
        self._bot_username = bot_username

    async def _patient(self, uow: UnitOfWork, chat_id: int) -> Patient | None:
        patient = await uow.patients.by_chat(chat_id)
        if patient is None or patient.status not in (PatientStatus.ACTIVE, PatientStatus.PAUSED):
            return None
        return patient

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
            await commit(uow, out, update_id)

    async def _menu(self, uow: UnitOfWork, patient: Patient, out: Outgoing) -> None:
        lines = [t.MENU]
        rows: list[list[Button]] = []
        for supporter in await uow.supporters.for_patient(patient.id):
            if supporter.status not in OPEN:
                continue
            consent = await active_consent(uow, supporter, out.now)
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

    async def press(
        self,
        uow: UnitOfWork,
        chat_id: int,
        action: str,
        arg: str,
        extra: str,
        callback_query_id: str,
        out: Outgoing,
    ) -> None:
        """A menu button: add, a scope, scopes done, expiry, change, stop, reach out."""
        now = out.now
        patient = await self._patient(uow, chat_id)
        if patient is None:
            return
        out.answer_callback("patient", patient.id, callback_query_id, patient_id=patient.id)
        supporter = await self._own(uow, patient, arg) if arg else None
        if supporter is not None and supporter.status not in EDITABLE:
            supporter = None  # ended (revoked, left, expired...): an old button does nothing
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
            consent = await active_consent(uow, supporter, now)
            supporter = replace(
                supporter,
                draft_scopes=consent.scopes if consent else frozenset(),
                updated_at=now,
            )
            await uow.supporters.save(supporter)
            self._ask_scopes(patient, supporter, out)
        elif action == "revoke" and supporter is not None and supporter.status in OPEN:
            await end_support(uow, supporter, SupporterStatus.REVOKED, "revoked", now)
            out.to_patient(patient.id, t.REVOKED.format(name=supporter.name), purpose="supporters")
        elif action == "reach":
            count = await self._notices.notify(uow, patient, "reach_out", out)
            out.to_patient(
                patient.id,
                t.REACH_SENT.format(count=count) if count else t.REACH_NONE,
                purpose="supporters",
            )

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
            detail=f"supporter={short_id(supporter.id)} scopes="
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
