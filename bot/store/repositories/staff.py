"""Staff accounts and care teams."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.model import CareTeam, Role, Staff, TeamMember
from bot.store.tables import CareTeamRow, StaffRow, TeamMemberRow
from bot.store.vault import Vault

CHAT_PURPOSE = "staff-chat"


def _staff(row: StaffRow) -> Staff:
    return Staff(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=Role(row.role),
        active=row.active,
        created_at=row.created_at,
        email=row.email,
        telegram_linked=row.telegram_index is not None,
        reachable=row.reachable,
    )


class StaffRepository:
    def __init__(self, session: AsyncSession, vault: Vault) -> None:
        self._session = session
        self._vault = vault

    async def add(self, staff: Staff) -> None:
        self._session.add(
            StaffRow(
                id=staff.id,
                username=staff.username,
                display_name=staff.display_name,
                role=staff.role.value,
                active=staff.active,
                email=staff.email,
                created_at=staff.created_at,
                reachable=True,
            )
        )
        await self._session.flush()

    async def get(self, staff_id: str) -> Staff | None:
        row = await self._session.get(StaffRow, staff_id)
        return None if row is None else _staff(row)

    async def by_username(self, username: str) -> Staff | None:
        row = await self._session.scalar(select(StaffRow).where(StaffRow.username == username))
        return None if row is None else _staff(row)

    async def all(self, *, include_inactive: bool = False) -> list[Staff]:
        query = select(StaffRow).order_by(StaffRow.username)
        if not include_inactive:
            query = query.where(StaffRow.active.is_(True))
        return [_staff(r) for r in await self._session.scalars(query)]

    async def count(self) -> int:
        return len((await self._session.scalars(select(StaffRow.id))).all())

    async def deactivate(self, staff_id: str, now: datetime) -> None:
        row = await self._session.get(StaffRow, staff_id)
        if row is not None:
            row.active = False
            row.deactivated_at = now

    async def link_telegram(self, staff_id: str, chat_id: int) -> None:
        row = await self._session.get(StaffRow, staff_id)
        if row is None:
            return
        index = self._vault.index(CHAT_PURPOSE, chat_id)
        # a chat belongs to one staff account: unlink it from anyone else first
        for other in await self._session.scalars(
            select(StaffRow).where(StaffRow.telegram_index == index, StaffRow.id != staff_id)
        ):
            other.telegram_index = None
            other.telegram_chat_enc = None
        await self._session.flush()
        row.telegram_index = index
        row.telegram_chat_enc = await self._vault.seal(
            "staff", "telegram_chat", staff_id, None, str(chat_id)
        )
        row.reachable = True

    async def by_chat(self, chat_id: int) -> Staff | None:
        index = self._vault.index(CHAT_PURPOSE, chat_id)
        row = await self._session.scalar(select(StaffRow).where(StaffRow.telegram_index == index))
        return None if row is None else _staff(row)

    async def chat_id(self, staff_id: str) -> int | None:
        row = await self._session.get(StaffRow, staff_id)
        if row is None or row.telegram_chat_enc is None:
            return None
        text = await self._vault.open_text(
            "staff", "telegram_chat", staff_id, None, row.telegram_chat_enc
        )
        return None if text is None else int(text)

    async def set_reachable(self, staff_id: str, reachable: bool) -> None:
        row = await self._session.get(StaffRow, staff_id)
        if row is not None:
            row.reachable = reachable


class TeamRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, team: CareTeam) -> None:
        self._session.add(CareTeamRow(id=team.id, name=team.name, created_at=team.created_at))
        await self._session.flush()

    async def get(self, team_id: str) -> CareTeam | None:
        row = await self._session.get(CareTeamRow, team_id)
        return None if row is None else CareTeam(row.id, row.name, row.created_at)

    async def by_name(self, name: str) -> CareTeam | None:
        row = await self._session.scalar(select(CareTeamRow).where(CareTeamRow.name == name))
        return None if row is None else CareTeam(row.id, row.name, row.created_at)

    async def all(self) -> list[CareTeam]:
        rows = await self._session.scalars(select(CareTeamRow).order_by(CareTeamRow.name))
        return [CareTeam(r.id, r.name, r.created_at) for r in rows]

    async def add_member(self, team_id: str, staff_id: str, now: datetime) -> TeamMember:
        existing = await self._session.get(TeamMemberRow, (team_id, staff_id))
        if existing is not None:
            return TeamMember(team_id, staff_id, existing.position)
        positions = await self._session.scalars(
            select(TeamMemberRow.position).where(TeamMemberRow.team_id == team_id)
        )
        position = max(positions.all(), default=-1) + 1
        self._session.add(
            TeamMemberRow(team_id=team_id, staff_id=staff_id, position=position, added_at=now)
        )
        await self._session.flush()
        return TeamMember(team_id, staff_id, position)

    async def remove_member(self, team_id: str, staff_id: str) -> bool:
        """Take a member out; later members move up one place (True if they were in)."""
        row = await self._session.get(TeamMemberRow, (team_id, staff_id))
        if row is None:
            return False
        removed = row.position
        await self._session.delete(row)
        await self._session.flush()
        later = await self._session.scalars(
            select(TeamMemberRow)
            .where(TeamMemberRow.team_id == team_id, TeamMemberRow.position > removed)
            .order_by(TeamMemberRow.position)
        )
        for member in later.all():
            member.position -= 1
            await self._session.flush()
        return True

    async def members(self, team_id: str) -> list[TeamMember]:
        rows = await self._session.scalars(
            select(TeamMemberRow)
            .where(TeamMemberRow.team_id == team_id)
            .order_by(TeamMemberRow.position)
        )
        return [TeamMember(r.team_id, r.staff_id, r.position) for r in rows]

    async def team_ids_of(self, staff_id: str) -> set[str]:
        rows = await self._session.scalars(
            select(TeamMemberRow.team_id).where(TeamMemberRow.staff_id == staff_id)
        )
        return set(rows)

    async def policy(self, team_id: str) -> str | None:
        row = await self._session.get(CareTeamRow, team_id)
        return None if row is None else row.policy

    async def set_policy(self, team_id: str, policy_json: str) -> None:
        row = await self._session.get(CareTeamRow, team_id)
        if row is not None:
            row.policy = policy_json
