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


@team_app.command("remove-member")
def team_remove_member(
    team: Annotated[str, typer.Argument(help="Team name.")],
    username: Annotated[str, typer.Argument(help="Staff account to take out.")],
) -> None:
    """Take a staff member out of a care team (admin only).

    They stop seeing the team's patients and getting its alerts at once; the others keep
    their order. The last active member cannot be removed (alerts need someone).

    Example: clinician team remove-member "Harbor Team" nurse.okafor
    """

    async def body(s: Session) -> None:
        await s.services.staff.remove_member(s.actor, team, username)
        say(f"{username} is no longer a member of {team!r}.")

    run(body)


@team_app.command("policy")
def team_policy(
    team: Annotated[str, typer.Argument(help="Team name.")],
    crisis_minutes: Annotated[
        int | None, typer.Option(help="Minutes to acknowledge a crisis before the next person.")
    ] = None,
    urgent_minutes: Annotated[
        int | None, typer.Option(help="Minutes to acknowledge an urgent alert.")
    ] = None,
    business_days: Annotated[
        str | None, typer.Option(help="Staffed days, e.g. mon,tue,wed,thu,fri or weekdays.")
    ] = None,
    business_hours: Annotated[
        str | None, typer.Option(help="Staffed hours, e.g. 09:00-17:00.")
    ] = None,
    timezone: Annotated[
        str | None, typer.Option(help="The team's IANA time zone for staffed hours.")
    ] = None,
    as_json: bool = JsonOption,
) -> None:
    """Show or change how a team is alerted (changing it is for admins).

    Crisis alerts go to every linked member at once and are re-sent until acknowledged;
    urgent and warning alerts go to the first member, then to the next one at each missed
    deadline. Warnings wait for the next staffed morning.

    Example: clinician team policy "Harbor Team" --urgent-minutes 20 --business-hours 08:00-18:00
    """

    async def body(s: Session) -> None:
        staff = s.services.staff
        zone = s.settings.default_timezone
        options = (crisis_minutes, urgent_minutes, business_days, business_hours, timezone)
        if any(o is not None for o in options):
            policy = await staff.set_alert_policy(
                s.actor,
                team,
                zone,
                crisis_minutes=crisis_minutes,
                urgent_minutes=urgent_minutes,
                business_days=business_days,
                business_hours=business_hours,
                timezone=timezone,
            )
        else:
            policy = await staff.alert_policy(team, zone)
        hours = f"{policy.business_start:%H:%M}-{policy.business_end:%H:%M}"
        if as_json:
            emit_json(
                {
                    "team": team,
                    "crisis_minutes": policy.crisis_minutes,
                    "urgent_minutes": policy.urgent_minutes,
                    "business_days": list(policy.business_days),
                    "business_hours": hours,
                    "timezone": policy.timezone,
                }
            )
            return
        table(
            team,
            ["Alert", "Who and when"],
            [
                ("crisis", f"everyone linked, at once; again every {policy.crisis_minutes} min"),
                ("urgent", f"first member; next one after {policy.urgent_minutes} min"),
                ("warn", "first member; next one the next staffed morning"),
                ("staffed", f"{','.join(policy.business_days)} {hours} {policy.timezone}"),
            ],
        )

    run(body)
