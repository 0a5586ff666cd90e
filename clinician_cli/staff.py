"""`clinician staff ...` and `clinician team ...`."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.domain.model import Role
from clinician_cli.context import Session, run
from clinician_cli.output import JsonOption, emit_json, say, table, when

staff_app = typer.Typer(
    help="Staff accounts (admins add and deactivate them).", no_args_is_help=True
)
team_app = typer.Typer(
    help="Care teams: who sees which patients, and who is alerted.", no_args_is_help=True
)


@staff_app.command("add")
def staff_add(
    username: Annotated[str, typer.Argument(help="Login-style name, e.g. dr.rivera.")],
    name: Annotated[str, typer.Option(help="Display name, e.g. 'Dr Sam Rivera'.")],
    role: Annotated[Role, typer.Option(help="clinician or admin.")] = Role.CLINICIAN,
    email: Annotated[str | None, typer.Option(help="For e-mail alerts (optional).")] = None,
) -> None:
    """Add a staff account (admin only).

    Example: clinician staff add nurse.okafor --name "Ada Okafor" --role clinician
    """

    async def body(s: Session) -> None:
        staff = await s.services.staff.add(s.actor, username, name, role, email)
        say(f"Added {staff.role.value} {staff.username!r} ({staff.display_name}).")

    run(body)


@staff_app.command("list")
def staff_list(
    all_: Annotated[bool, typer.Option("--all", help="Include deactivated accounts.")] = False,
    as_json: bool = JsonOption,
) -> None:
    """List staff accounts."""

    async def body(s: Session) -> None:
        staff = await s.services.staff.list_staff(s.actor, include_inactive=all_)
        if as_json:
            emit_json(
                [
                    {
                        "username": m.username,
                        "name": m.display_name,
                        "role": m.role,
                        "active": m.active,
                        "telegram_linked": m.telegram_linked,
                        "created_at": m.created_at,
                    }
                    for m in staff
                ]
            )
            return
        table(
            None,
            ["Username", "Name", "Role", "Active", "Telegram", "Since"],
            [
                (
                    m.username,
                    m.display_name,
                    m.role.value,
                    "yes" if m.active else "no",
                    "linked" if m.telegram_linked else "-",
                    when(m.created_at, "%Y-%m-%d"),
                )
                for m in staff
            ],
        )

    run(body)


@staff_app.command("deactivate")
def staff_deactivate(
    username: Annotated[str, typer.Argument(help="Account to deactivate.")],
) -> None:
    """Deactivate a staff account (admin only). Their audit history stays."""

    async def body(s: Session) -> None:
        staff = await s.services.staff.deactivate(s.actor, username)
        say(f"Deactivated {staff.username!r}.")

    run(body)


@staff_app.command("link-telegram")
def staff_link_telegram(
    username: Annotated[
        str, typer.Argument(help="Staff account to link (yours, or any if admin).")
    ],
) -> None:
    """Make a one-time code that links a Telegram account for alerts (valid 24 h).

    Send the bot `/start <code>` from that Telegram account.
    """

    async def body(s: Session) -> None:
        staff, code = await s.services.staff.link_telegram_code(s.actor, username)
        say(f"Send this to the bot from {staff.display_name}'s Telegram within 24 hours:")
        say(f"  /start {code}")

    run(body)


@team_app.command("add")
def team_add(name: Annotated[str, typer.Argument(help="Team name, e.g. 'Harbor Team'.")]) -> None:
    """Create a care team (admin only)."""

    async def body(s: Session) -> None:
        team = await s.services.staff.add_team(s.actor, name)
        say(f"Created care team {team.name!r}.")

    run(body)


@team_app.command("list")
def team_list(as_json: bool = JsonOption) -> None:
    """List care teams and their members in escalation order."""

    async def body(s: Session) -> None:
        teams = await s.services.staff.list_teams()
        if as_json:
            emit_json([{"name": t.name, "members": [m.username for m in ms]} for t, ms in teams])
            return
        table(
            None,
            ["Team", "Members (escalation order)"],
            [(t.name, ", ".join(m.username for m in ms) or "-") for t, ms in teams],
        )

    run(body)


@team_app.command("add-member")
def team_add_member(
    team: Annotated[str, typer.Argument(help="Team name.")],
    username: Annotated[str, typer.Argument(help="Staff account to add.")],
) -> None:
    """Add a staff member to a care team (admin only); order sets who is alerted first."""

    async def body(s: Session) -> None:
        position = await s.services.staff.add_member(s.actor, team, username)
        say(f"{username} is member #{position} of {team!r} (alerted in this order).")

    run(body)
