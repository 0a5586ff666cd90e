"""Patients as the clinical team sees them: enrol, list, show, invite, pause, discharge, erase."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

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
from bot.plans.crisis import (
    REGIONS,
    RegionChoice,
    check_region,
    choose_region,
    default_crisis,
    has_crisis_lines,
    region_name,
)
from bot.services import texts
from bot.services.access import Actor, refuse
from bot.services.codes import new_secret_code
from bot.services.outgoing import Outgoing, commit
from bot.services.ports import (
    BotIdentity,
    BotIdentityUnknown,
    Clock,
    UnitOfWork,
    UnitOfWorkFactory,
)

if TYPE_CHECKING:
    from bot.services.escalations import EscalationService

MAX_NAME = 120
MAX_PAUSE_DAYS = 90
MAX_REASON = 1000
IN_CARE = (PatientStatus.ACTIVE, PatientStatus.PAUSED)
ENDED = (PatientStatus.DISCHARGED, PatientStatus.UNENROLLED)
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
class Enrolled:
    """A patient just enrolled or changed, with what the clinician should know about it
    (a crisis region that disagrees with the time zone, no crisis line for the region)."""

    patient: Patient
    region: str  # in force: the patient's own, or the clinic's default
    notes: tuple[str, ...] = ()

    @property
    def region_name(self) -> str:
        return region_name(self.region)


def region_notes(choice: RegionChoice, zone: str, region: str) -> tuple[str, ...]:
    """The warnings for a region choice; ``region`` is the one in force."""
    crisis = default_crisis(region)
    facts = {
        "zone": zone,
        "region": region,
        "name": region_name(region),
        "emergency": crisis.emergency,
        "zone_country": choice.zone_country,
    }
    notes = []
    if choice.disagrees and choice.zone_country is not None:
        known = choice.zone_country in REGIONS
        zone_name = region_name(choice.zone_country) if known else choice.zone_country
        notes.append(texts.Regions.MISMATCH.format(**facts, zone_name=zone_name))
    elif choice.fell_back and choice.zone_country is None:
        notes.append(texts.Regions.NO_ZONE_COUNTRY.format(**facts))
    elif choice.fell_back:
        notes.append(texts.Regions.UNCOVERED.format(**facts))
    if not has_crisis_lines(region):
        notes.append(texts.Regions.NO_LINE.format(**facts))
    return tuple(notes)


@dataclass(frozen=True)
class Invite:
    patient: Patient
    code: str
    link: str | None
    expires_at: datetime
    team_can_be_alerted: bool = True  # False: an SOS now would reach no one on the team
    link_problem: str | None = None  # why there is no link: the bot's username is unknown


class OpenEscalations(Conflict):
    """A discharge refused: escalations of the patient's are still open (not resolved)."""

    def __init__(self, patient: Patient, escalations: list[Escalation]) -> None:
        listed = ", ".join(
            f"{e.reference} {e.level.value}"
            + (" (never acknowledged)" if e.status is EscalationStatus.OPEN else " (acknowledged)")
            for e in escalations
        )
        super().__init__(
            f"{patient.reference} has {len(escalations)} open escalation(s): {listed}. "
            f"Nothing was changed. Resolve them first (`clinician escalation resolve "
            f"{escalations[0].reference} --note ...`), or discharge anyway with "
            f'`clinician patient discharge {patient.reference} --force --reason "..."`: '
            "each is then resolved with your reason on its timeline."
        )
        self.escalations = tuple(escalations)


@dataclass(frozen=True)
class StatusChange:
    """A pause, resume or discharge done, with the escalations a forced discharge resolved."""

    patient: Patient
    resolved: tuple[Escalation, ...] = ()


def local_day(moment: datetime, zone: str) -> str:
    """'Monday 9 March', in the patient's own time zone."""
    local = moment.astimezone(ZoneInfo(zone))
    return f"{local:%A} {local.day} {local:%B}"


def care_notice(before: Patient, after: Patient) -> str | None:
    """What the patient is told when the care team pauses, resumes or discharges them;
    None when they are not told: chat not linked, blocked, never agreed, or a patient who
    left with /stop being discharged (they were promised nothing more would come)."""
    if not before.linked or not before.reachable or before.consented_at is None:
        return None
    notices = texts.CareChanges
    if after.status is PatientStatus.PAUSED:
        if after.paused_until is None:
            return notices.PAUSED
        return notices.PAUSED_UNTIL.format(until=local_day(after.paused_until, after.timezone))
    if after.status is PatientStatus.DISCHARGED and before.status in IN_CARE:
        return notices.DISCHARGED
    if after.status is PatientStatus.ACTIVE and before.status is PatientStatus.PAUSED:
        return notices.RESUMED
    if after.status is PatientStatus.ACTIVE and before.status in ENDED:
        return notices.WELCOME_BACK
    return None


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
        default_region: str = "US",
        identity: BotIdentity | None = None,
    ) -> None:
        self._identity = identity
        self._uows = uows
        self._clock = clock
        self._invite_ttl = invite_ttl
        self._bot_username = bot_username
        self._escalations = escalations
        self._default_region = check_region(default_region)
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
        self,
        actor: Actor,
        name: str,
        timezone: str,
        team_name: str | None = None,
        *,
        region: str | None = None,
    ) -> Patient:
        return (await self.enrol(actor, name, timezone, team_name, region=region)).patient

    async def enrol(
        self,
        actor: Actor,
        name: str,
        timezone: str,
        team_name: str | None = None,
        *,
        region: str | None = None,
    ) -> Enrolled:
        """Enrol a patient. Their crisis region is ``region`` (an ISO 3166 code), else the
        country of their time zone, else the clinic's default; the notes say when that
        disagrees with the time zone or the region has no crisis line."""
        name = " ".join(name.split())
        if not name:
            raise InvalidInput("--name is empty; give the patient's name as your records have it")
        if len(name) > MAX_NAME:
            raise InvalidInput(f"--name is {len(name)} characters; at most {MAX_NAME}")
        zone = check_zone(timezone)
        choice = choose_region(zone, region)
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
                crisis_region=choice.region,
            )
            in_force = choice.region or self._default_region
            await uow.patients.add(patient)
            await self._audit(
                uow, actor, "patient.add", patient, f"team={team.name} region={in_force}"
            )
            await uow.commit()
            return Enrolled(patient, in_force, region_notes(choice, zone, in_force))

    async def set_region(self, actor: Actor, reference: str, region: str) -> Enrolled:
        """Change a patient's crisis region (what SOS and crisis replies show them)."""
        async with self._uows() as uow:
            patient = await self.access.resolve(uow, actor, reference, "patient.update")
            if patient.status is PatientStatus.ERASED:
                raise Conflict(f"{patient.reference} was erased; nothing of theirs can change")
            choice = choose_region(patient.timezone, region)
            assert choice.region is not None  # asked: always a checked code
            updated = replace(patient, crisis_region=choice.region, updated_at=self._clock.now())
            await uow.patients.update(updated)
            await self._audit(uow, actor, "patient.update", patient, f"region={choice.region}")
            await uow.commit()
            return Enrolled(
                updated, choice.region, region_notes(choice, patient.timezone, choice.region)
            )

    def region_in_force(self, patient: Patient) -> str:
        """The patient's crisis region, or the clinic's default where they have none."""
        return patient.crisis_region or self._default_region

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
        """Everything the team sees about a patient; of an erased one, only that (and
        when) they were erased: nothing else of theirs is read."""
        async with self._uows() as uow:
            patient = await self.access.resolve(uow, actor, reference, "patient.show")
            team = await uow.teams.get(patient.team_id)
            assert team is not None
            if patient.status is PatientStatus.ERASED:
                await self._audit(uow, actor, "patient.show", patient)
                await uow.commit()
                return PatientOverview(patient, team, None, [], None, [], 0)
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
        problem = None
        if not username:  # outside the transaction: Telegram may take a few seconds
            username, problem = await self._learn_username()
        link = self._link(secret, username)
        return Invite(patient, secret, link, code.expires_at, alertable, problem)

    async def _learn_username(self) -> tuple[str | None, str | None]:
        """Ask Telegram who the bot is (getMe) and remember it, as ``companion run`` does at
        start; or say why not."""
        if self._identity is None:
            return None, "nothing is set up to ask Telegram"
        try:
            username = await self._identity.username()
        except BotIdentityUnknown as exc:
            return None, str(exc)
        async with self._uows() as uow:
            await uow.meta.set("bot_username", username)
            await uow.commit()
        return username, None

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
        force_reason: str | None = None,
    ) -> StatusChange:
        """The change, what it resolved, and the patient's notice: one transaction."""
        async with self._uows() as uow:
            patient = await self.access.resolve(uow, actor, reference, action)
            if patient.status not in allowed:
                raise Conflict(
                    f"{patient.reference} is {patient.status.value}; cannot {action.split('.')[-1]}"
                )
            now = self._clock.now()
            out = Outgoing(f"care:{new_id()}", now)  # a patient may be paused twice a second
            resolved: tuple[Escalation, ...] = ()
            if care_ends:
                resolved = await self._resolve_open(uow, actor, patient, force_reason, out)
            updated = replace(patient, status=change, paused_until=paused_until, updated_at=now)
            await uow.patients.update(updated)
            detail = f"status={change.value}"
            if resolved:  # references only: the reason may be health text (timelines)
                detail += " forced resolved=" + ",".join(e.reference for e in resolved)
            await self._audit(uow, actor, action, patient, detail)
            if care_ends:
                await end_all_support(
                    uow, updated, reason=change.value, actor=actor.audit_name, now=now
                )
            notice = care_notice(patient, updated)
            if notice is not None:
                out.to_patient(updated.id, notice, purpose="care", key="notice")
            await commit(uow, out)
            return StatusChange(updated, resolved)

    async def _resolve_open(
        self,
        uow: UnitOfWork,
        actor: Actor,
        patient: Patient,
        reason: str | None,
        out: Outgoing,
    ) -> tuple[Escalation, ...]:
        """Care cannot end over open escalations unless forced: each is then resolved by
        the discharging clinician with ``reason`` on its timeline."""
        found = await uow.escalations.find(
            patient_ids=[patient.id],
            statuses=[EscalationStatus.OPEN, EscalationStatus.ACKNOWLEDGED],
        )
        found.sort(key=lambda e: e.number)  # oldest first, as the clinician reads them
        if not found:
            return ()
        if reason is None:
            raise OpenEscalations(patient, found)
        if actor.staff is None or self._escalations is None:
            raise NotAllowed("a staff member must resolve escalations to discharge over them")
        resolved = []
        for escalation in found:
            locked = await uow.escalations.get(escalation.id, lock=True)
            if locked is None or locked.status is EscalationStatus.RESOLVED:
                continue  # resolved a moment ago by someone else
            note = f"closed at discharge: {reason}"
            resolved.append(
                await self._escalations.resolve_within(uow, locked, actor.staff, out, note)
            )
        return tuple(resolved)

    async def pause(self, actor: Actor, reference: str, days: int | None) -> Patient:
        if days is not None and not 1 <= days <= MAX_PAUSE_DAYS:
            raise InvalidInput(f"--days must be 1 to {MAX_PAUSE_DAYS}, got {days}")
        until = None if days is None else self._clock.now() + timedelta(days=days)
        done = await self._change_status(
            actor,
            reference,
            "patient.pause",
            {PatientStatus.ACTIVE},
            PatientStatus.PAUSED,
            paused_until=until,
        )
        return done.patient

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
        done = await self._change_status(
            actor,
            reference,
            "patient.resume",
            {PatientStatus.PAUSED, PatientStatus.DISCHARGED, PatientStatus.UNENROLLED},
            target,
        )
        return done.patient

    async def discharge(
        self,
        actor: Actor,
        reference: str,
        *,
        force: bool = False,
        reason: str | None = None,
    ) -> StatusChange:
        """End care. Refused (:class:`OpenEscalations`) while escalations are open, unless
        ``force`` with a ``reason``: each open one is then resolved with that reason on its
        timeline. The patient is told what stays (/sos, /mydata) and what has ended."""
        reason = None if reason is None else " ".join(reason.split())
        if force and not reason:
            raise InvalidInput(
                '--force needs --reason "...": why the open escalations can be closed '
                "(it goes on each one's timeline)"
            )
        if reason and not force:
            raise InvalidInput(
                "--reason goes with --force: it is recorded on the open escalations that "
                "--force resolves"
            )
        if reason and len(reason) > MAX_REASON:
            raise InvalidInput(f"--reason is {len(reason)} characters; at most {MAX_REASON}")
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
            force_reason=reason if force else None,
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
