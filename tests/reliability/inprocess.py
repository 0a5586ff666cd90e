"""In-process clinics: ``BotRuntime`` driven step by step against an in-process sandbox.

The e2e ``Clinic`` (services, runtime, sandbox, a manual clock, a clinician and an admin),
built with the settings and pacing a reliability test needs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.bootstrap import build_services
from bot.config import load_settings
from bot.delivery.api import PtbBotApi
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.pacing import Pacer
from bot.domain.model import Role
from bot.runtime.app import BotRuntime
from bot.sandbox.testing import Sandbox
from bot.services.access import Actor
from bot.services.clock import ManualClock
from bot.store.uow import Store
from tests.e2e.conftest import Clinic
from tests.factories import make_staff, make_team

QUICK_RETRY_BASE = 0.05  # seconds; production backs off from 2 s


def unpaced() -> Pacer:
    """Sending as fast as the sandbox answers: for tests where pacing is not the point."""
    return Pacer(rate=29.0, chat_burst=1000, chat_rate=1000.0)


async def open_clinic(
    sandbox: Sandbox,
    store: Store,
    pacer: Pacer | None,
    **settings: Any,
) -> Clinic:
    """The e2e ``Clinic`` with chosen settings; ``pacer=None`` paces as production does."""
    now = datetime.now().astimezone()
    clock = ManualClock(now)
    config = load_settings(
        telegram_token=sandbox.token, telegram_base_url=sandbox.bot_api_url, **settings
    )
    services = build_services(store, config, clock)
    staff = make_staff(now)
    admin = make_staff(now, "admin.ada", Role.ADMIN)
    team = make_team(now)
    async with store.uow() as uow:
        await uow.teams.add(team)
        for person in (staff, admin):
            await uow.staff.add(person)
        await uow.teams.add_member(team.id, staff.id, now)
        await uow.commit()
    runtime = BotRuntime(services, sandbox.bot(), poll_timeout=0, pacer=pacer)
    await runtime.start()
    return Clinic(
        services,
        runtime,
        sandbox,
        clock,
        Actor(staff=staff, team_ids=frozenset({team.id})),
        Actor(staff=admin),
    )


def quick_retries(clinic: Clinic, pacer: Pacer) -> Dispatcher:
    """The production dispatcher with a 40 times shorter backoff (0.05 s instead of 2 s)."""
    runtime = clinic.runtime
    runtime.dispatcher = Dispatcher(
        clinic.services.delivery,
        PtbBotApi(runtime.bot),
        pacer,
        retry_base=QUICK_RETRY_BASE,
        idle_poll=0.05,
    )
    return runtime.dispatcher
