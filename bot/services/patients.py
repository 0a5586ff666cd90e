"""Patients as the clinical team sees them: enrol, list, show, invite, pause, discharge, erase."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.domain.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.domain.ids import new_id, patient_reference
from bot.domain.model import (
    CareTeam,
    Checkin,
    EnrolmentCode,
    Escalation,
    EscalationStatus,
    Patient,
    PatientStatus,
    PlanVersion,
    Schedule,
    SupporterStatus,
)
from bot.domain.zones import check_zone
from bot.services.access import Actor, refuse
from bot.services.codes import new_secret_code
from bot.services.ports import Clock, UnitOfWork, UnitOfWorkFactory

if TYPE_CHECKING:
    from bot.services.escalations import EscalationService

MAX_NAME = 120
MAX_PAUSE_DAYS = 90
STILL_SUPPORTING = (
    SupporterStatus.DRAFT,
    SupporterStatus.INVITED,
    SupporterStatus.PENDING,
    SupporterStatus.ACTIVE,
)


async def end_all_support(
    uow: UnitOfWork, patient: Patient, *, reason: str, actor: str, now: datetime
) -> int:
    """The patient's care ended (``/stop``, discharge, erasure): every supporter stops now.

    Like a revocation, for each supporter at once: consents ended, status revoked, open
    invite codes revoked, anything still queued to them cancelled. Supporters are not told
    (that would say something about the patient); one audit entry names the actor.
    """
    ended = 0
    for supporter in await uow.supporters.for_patient(patient.id):
        if supporter.status not in STILL_SUPPORTING:
            continue
        for consent in await uow.consents.for_patient(patient.id, supporter_id=supporter.id):
            if consent.ended_at is None:
                await uow.consents.end(consent.id, now, reason)
        await uow.supporters.save(
            replace(supporter, status=SupporterStatus.REVOKED, updated_at=now)
        )
        await uow.enrolment.revoke_open(supporter_id=supporter.id, now=now)
        await uow.outbox.cancel_pending(
            recipient_kind="supporter", recipient_id=supporter.id, reason=f"care {reason}"
        )
        ended += 1
    if ended:
        await uow.audit.append(
            actor=actor,
            action="supporters.end",
            at=now,
            patient_ref=patient.reference,
            detail=f"count={ended} reason={reason}",
        )
    return ended


@dataclass(frozen=True)
class Invite:
    patient: Patient
    code: str
    link: str | None
    expires_at: datetime
    team_can_be_alerted: bool = True  # False: an SOS now would reach no one on the team


@dataclass(frozen=True)
class PatientOverview:
    patient: Patient
    team: CareTeam
    plan: PlanVersion | None
    schedules: list[Schedule]
    last_checkin: Checkin | None
    open_escalations: list[Escalation]
    supporters: int


class PatientAccess:
    """Resolve a patient reference for an actor: exists, and in one of their teams."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    async def resolve(self, uow: UnitOfWork, actor: Actor, reference: str, action: str) -> Patient:
        patient = await uow.patients.by_reference(reference)
        if patient is None:
            raise NotFound(
                f"no patient with reference {reference!r} (references look like P-0042; "
                "`clinician patient list` shows yours)"
            )
        if not actor.can_see(patient):
            raise await refuse(
                uow,
                self._clock,
                actor,
                action,
                patient.reference,
                f"{patient.reference} is not in any of your care teams; the attempt was logged",
            )
        return patient


class PatientService:
    def __init__(
        self,
        uows: UnitOfWorkFactory,
        clock: Clock,
        *,
        invite_ttl: timedelta,
        bot_username: str | None = None,
        escalations: EscalationService | None = None,
    ) -> None:
        self._uows = uows
        self._clock = clock
        self._invite_ttl = invite_ttl
        self._bot_username = bot_username
        self._escalations = escalations
        self.access = PatientAccess(clock)

    async def _audit(
        self, uow: UnitOfWork, actor: Actor, action: str, patient: Patient, detail: str = ""
    ) -> None:
        await uow.audit.append(
            actor=actor.audit_name,
            action=action,
            at=self._clock.now(),
            patient_ref=patient.reference,
            detail=detail,
        )

    async def _team_for(self, uow: UnitOfWork, actor: Actor, team_name: str | None) -> CareTeam:
        if team_name is not None:
            team = await uow.teams.by_name(team_name.strip())
            if team is None:
                raise NotFound(f"no care team named {team_name!r} (`clinician team list`)")
            if not actor.is_admin and team.id not in actor.team_ids:
                raise NotAllowed(f"you are not a member of care team {team.name!r}")
            return team
        teams = [t for t in await uow.teams.all() if t.id in actor.team_ids]
        if len(teams) == 1:
            return teams[0]
        if not teams:
            raise InvalidInput(
                "you are in no care team; an admin adds you with "
                "`clinician team add-member TEAM USERNAME`, or pass --team"
            )
        names = ", ".join(repr(t.name) for t in teams)
        raise InvalidInput(f"you are in several care teams ({names}); choose one with --team")

    async def add(
        self, actor: Actor, name: str, timezone: str, team_name: str | None = None
    ) -> Patient:
        name = " ".join(name.split())
        if not name:
            raise InvalidInput("--name is empty; give the patient's name as your records have it")
        if len(name) > MAX_NAME:
            raise InvalidInput(f"--name is {len(name)} characters; at most {MAX_NAME}")
        zone = check_zone(timezone)
        async with self._uows() as uow:
            team = await self._team_for(uow, actor, team_name)
            now = self._clock.now()
            patient = Patient(
                id=new_id(),
                reference=patient_reference(await uow.meta.next_number("patient")),
                team_id=team.id,
                status=PatientStatus.INVITED,
                timezone=zone,
                created_at=now,
                updated_at=now,
                name=name,
                created_by=None if actor.staff is None else actor.staff.id,
            )
            await uow.patients.add(patient)
            await self._audit(uow, actor, "patient.add", patient, f"team={team.name}")
            await uow.commit()
            return patient

    async def list_patients(
        self, actor: Actor, statuses: list[PatientStatus] | None = None
    ) -> list[Patient]:
        async with self._uows() as uow:
            team_ids = None if actor.is_admin else actor.team_ids
            patients = await uow.patients.find(team_ids=team_ids, statuses=statuses)
            await uow.audit.append(
                actor=actor.audit_name,
                action="patient.list",
                at=self._clock.now(),
                detail=f"count={len(patients)}",
            )
            await uow.commit()
            return patients

    async def show(self, actor: Actor, reference: str) -> PatientOverview:
        async with self._uows() as uow:
            patient = await self.access.resolve(uow, actor, reference, "patient.show")
            team = await uow.teams.get(patient.team_id)
            assert team is not None
            plan = None
            history = await uow.plans.history(patient.id) if patient.name is not None else []
            if history:
                plan = history[-1]
            recent = await uow.checkins.for_patient(patient.id, limit=1)
            escalations = (
                await uow.escalations.find(
                    patient_ids=[patient.id],
                    statuses=[EscalationStatus.OPEN, EscalationStatus.ACKNOWLEDGED],
                )
                if patient.name is not None
                else []
            )
            overview = PatientOverview(
                patient=patient,
                team=team,
                plan=plan,
                schedules=await uow.schedules.for_patient(patient.id),
                last_checkin=recent[-1] if recent else None,
                open_escalations=escalations,
                supporters=sum(
                    1
                    for s in await uow.supporters.for_patient(patient.id)
                    if s.status is SupporterStatus.ACTIVE
                )
                if patient.name is not None
                else 0,
            )
            await self._audit(uow, actor, "patient.show", patient)
            await uow.commit()
            return overview

    def _link(self, code: str, bot_username: str | None) -> str | None:
        return None if not bot_username else f"https://t.me/{bot_username}?start={code}"

    async def invite(self, actor: Actor, reference: str) -> Invite:
        async with self._uows() as uow:
            patient = await self.access.resolve(uow, actor, reference, "patient.invite")
            if patient.status in (PatientStatus.DISCHARGED, PatientStatus.ERASED):
                raise Conflict(
                    f"{patient.reference} is {patient.status.value}; "
                    + (
                        "resume them first (`clinician patient resume`)"
                        if patient.status is PatientStatus.DISCHARGED
                        else "erased patients "
                        "cannot be invited; enrol them again with `clinician patient add`"
                    )
                )
            now = self._clock.now()
            await uow.enrolment.revoke_open(patient_id=patient.id, now=now)
            secret = new_secret_code("p")
            code = EnrolmentCode(
                id=new_id(),
                purpose="patient",
                created_at=now,
                expires_at=now + self._invite_ttl,
                patient_id=patient.id,
                created_by=None if actor.staff is None else actor.staff.id,
            )
            await uow.enrolment.add(code, secret)
            await self._audit(uow, actor, "patient.invite", patient)
            username = await uow.meta.get("bot_username") or self._bot_username
            alertable = self._escalations is None or await self._escalations.can_alert(
                uow, patient.team_id
            )
            await uow.commit()
            return Invite(patient, secret, self._link(secret, username), code.expires_at, alertable)

    async def _change_status(
        self,
        actor: Actor,
        reference: str,
        action: str,
        allowed: set[PatientStatus],
        change: PatientStatus,
        *,
        paused_until: datetime | None = None,
        care_ends: bool = False,
    ) -> Patient:
        async with self._uows() as uow:
            patient = await self.access.resolve(uow, actor, reference, action)
            if patient.status not in allowed:
                raise Conflict(
                    f"{patient.reference} is {patient.status.value}; cannot {action.split('.')[-1]}"
                )
            now = self._clock.now()
            updated = replace(patient, status=change, paused_until=paused_until, updated_at=now)
            await uow.patients.update(updated)
            await self._audit(uow, actor, action, patient, f"status={change.value}")
            if care_ends:
                await end_all_support(
                    uow, updated, reason=change.value, actor=actor.audit_name, now=now
                )
            await uow.commit()
            return updated

    async def pause(self, actor: Actor, reference: str, days: int | None) -> Patient:
        if days is not None and not 1 <= days <= MAX_PAUSE_DAYS:
            raise InvalidInput(f"--days must be 1 to {MAX_PAUSE_DAYS}, got {days}")
        until = None if days is None else self._clock.now() + timedelta(days=days)
        return await self._change_status(
            actor,
            reference,
            "patient.pause",
            {PatientStatus.ACTIVE},
            PatientStatus.PAUSED,
            paused_until=until,
        )

    async def resume(self, actor: Actor, reference: str) -> Patient:
        async with self._uows() as uow:
            patient = await self.access.resolve(uow, actor, reference, "patient.resume")
        target = (
            PatientStatus.ACTIVE
            if patient.consented_at is not None
            else PatientStatus.ONBOARDING
            if patient.linked
            else PatientStatus.INVITED
        )
        return await self._change_status(
            actor,
            reference,
            "patient.resume",
            {PatientStatus.PAUSED, PatientStatus.DISCHARGED, PatientStatus.UNENROLLED},
            target,
        )

    async def discharge(self, actor: Actor, reference: str) -> Patient:
        return await self._change_status(
            actor,
            reference,
            "patient.discharge",
            {
                PatientStatus.INVITED,
                PatientStatus.ONBOARDING,
                PatientStatus.ACTIVE,
                PatientStatus.PAUSED,
                PatientStatus.UNENROLLED,
            },
            PatientStatus.DISCHARGED,
            care_ends=True,
        )

    async def erase(self, actor: Actor, reference: str, confirmation: str) -> Patient:
        """Crypto-shred a patient: their data key is destroyed; a bare audit record stays.

        Before that, in the same transaction, everything still running stops: supporters
        are ended, messages cancelled, schedules and alerts closed; the store then scrubs
        what the key does not cover (see ``bot.store.repositories.erasure``).
        """
        if confirmation.strip().upper() != reference.strip().upper():
            raise InvalidInput(
                f"confirmation {confirmation!r} does not match {reference!r}; nothing was erased"
            )
        async with self._uows() as uow:
            patient = await self.access.resolve(uow, actor, reference, "patient.erase")
            if patient.status is PatientStatus.ERASED:
                raise Conflict(f"{patient.reference} was already erased")
            now = self._clock.now()
            await end_all_support(uow, patient, reason="erased", actor=actor.audit_name, now=now)
            await uow.outbox.cancel_pending(
                recipient_kind="patient", recipient_id=patient.id, reason="patient erased"
            )
            await uow.schedules.deactivate_for_patient(patient.id, now)
            for escalation in await uow.escalations.find(
                patient_ids=[patient.id],
                statuses=[EscalationStatus.OPEN, EscalationStatus.ACKNOWLEDGED],
            ):
                await uow.escalations.update(
                    replace(
                        escalation,
                        status=EscalationStatus.RESOLVED,
                        resolved_at=now,
                        updated_at=now,
                        next_notify_at=None,
                        resolution="patient erased",
                    )
                )
            erased = await uow.patients.erase(patient, now)
            await self._audit(uow, actor, "patient.erase", patient, "data key destroyed")
            await uow.commit()
            return erased
