"""Staff accounts and care teams.

A deactivated account gets nothing more: its open Telegram link codes are revoked, a code
it was given earlier is refused at ``/start``, and no new code is made for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import timedelta

from bot.domain.errors import Conflict, InvalidInput, NotFound
from bot.domain.ids import new_id
from bot.domain.model import CareTeam, EnrolmentCode, Role, Staff
from bot.domain.policy import WEEKDAYS, AlertPolicy
from bot.domain.schedule import parse_days, parse_local_time
from bot.domain.zones import check_zone
from bot.services.access import Actor, require_admin
from bot.services.codes import new_secret_code
from bot.services.ports import Clock, UnitOfWork, UnitOfWorkFactory

USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,62}$")
TEAM_NAME = re.compile(r"^[\w][\w .'-]{0,79}$")
STAFF_LINK_TTL = timedelta(hours=24)


def _check_username(username: str) -> str:
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise InvalidInput(
            f"username {username!r} is not valid: use 2-63 characters, a lowercase letter "
            "first, then letters, digits, '.', '_' or '-' (e.g. dr.rivera)"
        )
    return username


@dataclass(frozen=True)
class StaffLink:
    staff: Staff
    code: str
    expires_at_iso: str


class StaffService:
    def __init__(self, uows: UnitOfWorkFactory, clock: Clock) -> None:
        self._uows = uows
        self._clock = clock

    async def _add(
        self, uow: UnitOfWork, username: str, display_name: str, role: Role, email: str | None
    ) -> Staff:
        username = _check_username(username)
        if not display_name.strip():
            raise InvalidInput("display name is empty; give the name colleagues know you by")
        if await uow.staff.by_username(username) is not None:
            raise Conflict(f"a staff account named {username!r} already exists")
        staff = Staff(
            id=new_id(),
            username=username,
            display_name=display_name.strip(),
            role=role,
            active=True,
            created_at=self._clock.now(),
            email=email,
        )
        await uow.staff.add(staff)
        return staff

    async def has_staff(self) -> bool:
        async with self._uows() as uow:
            return await uow.staff.count() > 0

    async def create_first_admin(self, username: str, display_name: str) -> Staff:
        """The first account; allowed only while there are no staff at all."""
        async with self._uows() as uow:
            if await uow.staff.count() > 0:
                raise Conflict(
                    "staff accounts already exist; an admin adds more with `clinician staff add`"
                )
            staff = await self._add(uow, username, display_name, Role.ADMIN, None)
            await uow.audit.append(
                actor="system",
                action="staff.create_first_admin",
                at=self._clock.now(),
                detail=f"username={staff.username}",
            )
            await uow.commit()
            return staff

    async def add(
        self, actor: Actor, username: str, display_name: str, role: Role, email: str | None = None
    ) -> Staff:
        require_admin(actor, "add staff accounts")
        async with self._uows() as uow:
            staff = await self._add(uow, username, display_name, role, email)
            await uow.audit.append(
                actor=actor.audit_name,
                action="staff.add",
                at=self._clock.now(),
                detail=f"username={staff.username} role={role.value}",
            )
            await uow.commit()
            return staff

    async def list_staff(self, actor: Actor, *, include_inactive: bool = False) -> list[Staff]:
        async with self._uows() as uow:
            return await uow.staff.all(include_inactive=include_inactive)

    async def _get(self, uow: UnitOfWork, username: str) -> Staff:
        staff = await uow.staff.by_username(username.strip().lower())
        if staff is None:
            raise NotFound(f"no staff account named {username!r} (`clinician staff list`)")
        return staff

    async def deactivate(self, actor: Actor, username: str) -> Staff:
        require_admin(actor, "deactivate staff accounts")
        async with self._uows() as uow:
            staff = await self._get(uow, username)
            if actor.staff is not None and staff.id == actor.staff.id:
                raise InvalidInput("you cannot deactivate your own account")
            await uow.staff.deactivate(staff.id, self._clock.now())
            await uow.enrolment.revoke_open(staff_id=staff.id, now=self._clock.now())
            await uow.audit.append(
                actor=actor.audit_name,
                action="staff.deactivate",
                at=self._clock.now(),
                detail=f"username={staff.username}",
            )
            await uow.commit()
            return staff

    async def link_telegram_code(self, actor: Actor, username: str) -> tuple[Staff, str]:
        """A one-time code the staff member sends as ``/start <code>`` to link Telegram."""
        async with self._uows() as uow:
            staff = await self._get(uow, username)
            if not actor.is_admin and (actor.staff is None or actor.staff.id != staff.id):
                require_admin(actor, "link another person's Telegram")
            if not staff.active:
                raise Conflict(
                    f"{staff.username!r} is deactivated; a deactivated account gets no alerts"
                )
            now = self._clock.now()
            await uow.enrolment.revoke_open(staff_id=staff.id, now=now)
            secret = new_secret_code("s")
            code = EnrolmentCode(
                id=new_id(),
                purpose="staff",
                created_at=now,
                expires_at=now + STAFF_LINK_TTL,
                staff_id=staff.id,
                created_by=None if actor.staff is None else actor.staff.id,
            )
            await uow.enrolment.add(code, secret)
            await uow.audit.append(
                actor=actor.audit_name,
                action="staff.link_code",
                at=now,
                detail=f"username={staff.username}",
            )
            await uow.commit()
            return staff, secret

    # --- teams ----------------------------------------------------------------------
    async def add_team(self, actor: Actor, name: str) -> CareTeam:
        require_admin(actor, "create care teams")
        name = name.strip()
        if not TEAM_NAME.match(name):
            raise InvalidInput(
                f"team name {name!r} is not valid: 1-80 letters, digits, spaces, . ' -"
            )
        async with self._uows() as uow:
            if await uow.teams.by_name(name) is not None:
                raise Conflict(f"a care team named {name!r} already exists")
            team = CareTeam(new_id(), name, self._clock.now())
            await uow.teams.add(team)
            await uow.audit.append(
                actor=actor.audit_name,
                action="team.add",
                at=self._clock.now(),
                detail=f"team={name}",
            )
            await uow.commit()
            return team

    async def list_teams(self) -> list[tuple[CareTeam, list[Staff]]]:
        async with self._uows() as uow:
            out = []
            for team in await uow.teams.all():
                members = [
                    await uow.staff.get(m.staff_id) for m in await uow.teams.members(team.id)
                ]
                out.append((team, [m for m in members if m is not None]))
            return out

    async def team(self, uow: UnitOfWork, name: str) -> CareTeam:
        team = await uow.teams.by_name(name.strip())
        if team is None:
            raise NotFound(f"no care team named {name!r} (`clinician team list`)")
        return team

    async def add_member(self, actor: Actor, team_name: str, username: str) -> int:
        """Add a member; returns their position in the team's escalation order (1-based)."""
        require_admin(actor, "change care teams")
        async with self._uows() as uow:
            team = await self.team(uow, team_name)
            staff = await self._get(uow, username)
            member = await uow.teams.add_member(team.id, staff.id, self._clock.now())
            await uow.audit.append(
                actor=actor.audit_name,
                action="team.add_member",
                at=self._clock.now(),
                detail=f"team={team.name} username={staff.username}",
            )
            await uow.commit()
            return member.position + 1

    async def remove_member(self, actor: Actor, team_name: str, username: str) -> None:
        """Take a member out of a team: they no longer see its patients or get its alerts."""
        require_admin(actor, "change care teams")
        async with self._uows() as uow:
            team = await self.team(uow, team_name)
            staff = await self._get(uow, username)
            members = [m.staff_id for m in await uow.teams.members(team.id)]
            if staff.id not in members:
                raise NotFound(f"{staff.username!r} is not a member of {team.name!r}")
            others = [await uow.staff.get(m) for m in members if m != staff.id]
            if not any(o is not None and o.active for o in others):
                raise Conflict(
                    f"{staff.username!r} is the last active member of {team.name!r}, who "
                    "would get its alerts; add another member first"
                )
            await uow.teams.remove_member(team.id, staff.id)
            await uow.audit.append(
                actor=actor.audit_name,
                action="team.remove_member",
                at=self._clock.now(),
                detail=f"team={team.name} username={staff.username}",
            )
            await uow.commit()

    # --- alert policy ---------------------------------------------------------------
    async def alert_policy(self, team_name: str, default_timezone: str) -> AlertPolicy:
        async with self._uows() as uow:
            team = await self.team(uow, team_name)
            return AlertPolicy.from_json(await uow.teams.policy(team.id), default_timezone)

    async def set_alert_policy(
        self,
        actor: Actor,
        team_name: str,
        default_timezone: str,
        *,
        crisis_minutes: int | None = None,
        urgent_minutes: int | None = None,
        business_days: str | None = None,
        business_hours: str | None = None,
        timezone: str | None = None,
    ) -> AlertPolicy:
        """Change how a team is alerted: deadlines per level, staffed hours, their zone."""
        require_admin(actor, "change a care team's alert policy")
        async with self._uows() as uow:
            team = await self.team(uow, team_name)
            policy = AlertPolicy.from_json(await uow.teams.policy(team.id), default_timezone)
            changes: dict[str, object] = {}
            for name, value, low, high in (
                ("crisis_minutes", crisis_minutes, 1, 60),
                ("urgent_minutes", urgent_minutes, 5, 24 * 60),
            ):
                if value is not None:
                    if not low <= value <= high:
                        raise InvalidInput(f"--{name.replace('_', '-')} must be {low} to {high}")
                    changes[name] = value
            if business_days is not None:
                changes["business_days"] = tuple(
                    sorted(parse_days(business_days), key=WEEKDAYS.index)
                )
            if business_hours is not None:
                start, sep, end = business_hours.partition("-")
                if not sep:
                    raise InvalidInput("--business-hours looks like 09:00-17:00")
                first, last = parse_local_time(start), parse_local_time(end)
                if first >= last:
                    raise InvalidInput("--business-hours must start before it ends")
                changes["business_start"], changes["business_end"] = first, last
            if timezone is not None:
                changes["timezone"] = check_zone(timezone)
            policy = replace(policy, **changes)  # type: ignore[arg-type]
            await uow.teams.set_policy(team.id, policy.to_json())
            await uow.audit.append(
                actor=actor.audit_name,
                action="team.policy",
                at=self._clock.now(),
                detail=f"team={team.name} " + " ".join(sorted(changes)),
            )
            await uow.commit()
            return policy
