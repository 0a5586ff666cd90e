"""End to end: the real python-telegram-bot stack against the sandbox, the real store.

A ``Clinic`` plays the clinician through the services (the CLI is tested on its own) and
patients through the sandbox's control API; ``settle()`` lets the bot receive, process and
deliver everything pending, as ``companion run`` would.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from bot.bootstrap import Services, build_services
from bot.config import load_settings
from bot.delivery.pacing import Pacer
from bot.demo import PLAN
from bot.domain.model import Patient, Role
from bot.runtime.app import BotRuntime
from bot.sandbox.models import BotMessage, SandboxUser
from bot.sandbox.testing import Sandbox, sandbox, sandbox_server  # noqa: F401 (fixtures)
from bot.services.access import Actor
from bot.services.clock import ManualClock
from bot.store.uow import Store
from tests.factories import make_staff, make_team


@dataclass
class Clinic:
    services: Services
    runtime: BotRuntime
    sandbox: Sandbox
    clock: ManualClock
    clinician: Actor
    admin: Actor

    async def settle(self) -> None:
        """Let the bot do everything pending; a second passes, as between real taps."""
        self.clock.advance(timedelta(seconds=1))
        await self.runtime.settle()

    async def enrol(
        self, name: str = "Avery Quill", tz: str = "America/New_York", plan: str | None = PLAN
    ) -> tuple[Patient, str]:
        patient = await self.services.patients.add(self.clinician, name, tz)
        if plan is not None:
            await self.services.plans.publish(
                self.clinician, patient.reference, plan, note="first plan", source="plan.yaml"
            )
        invite = await self.services.patients.invite(self.clinician, patient.reference)
        return patient, invite.code

    async def onboard(
        self, first_name: str = "Avery", **kwargs: object
    ) -> tuple[Patient, SandboxUser]:
        patient, code = await self.enrol(**kwargs)  # type: ignore[arg-type]
        user = await self.sandbox.client.create_user(first_name)
        await self.sandbox.client.start_bot(user.id, code)
        await self.settle()
        consent = await self.last(user)
        await self.sandbox.client.press(user.id, consent, "Yes, I agree")
        await self.settle()
        return patient, user

    async def messages(self, user: SandboxUser) -> list[BotMessage]:
        return await self.sandbox.client.messages(user.chat_id)

    async def texts(self, user: SandboxUser) -> list[str]:
        return [m.text or "" for m in await self.messages(user)]

    async def last(self, user: SandboxUser) -> BotMessage:
        return (await self.messages(user))[-1]

    async def with_button(self, user: SandboxUser, label: str) -> BotMessage:
        for message in reversed(await self.messages(user)):
            if any(b.text == label for row in message.buttons for b in row):
                return message
        raise AssertionError(f"no message with a {label!r} button")

    async def press(self, user: SandboxUser, label: str) -> None:
        await self.sandbox.client.press(user.id, await self.with_button(user, label), label)
        await self.settle()

    async def say(self, user: SandboxUser, text: str) -> None:
        await self.sandbox.client.send_text(user.id, text)
        await self.settle()

    async def link_staff(self, username: str = "dr.rivera") -> SandboxUser:
        _, code = await self.services.staff.link_telegram_code(self.admin, username)
        user = await self.sandbox.client.create_user(username.split(".")[-1].title())
        await self.sandbox.client.start_bot(user.id, code)
        await self.settle()
        return user

    def advance(self, **delta: float) -> datetime:
        return self.clock.advance(timedelta(**delta))


@pytest.fixture
def extra_settings() -> dict[str, object]:
    """Settings a test module adds (override this fixture in the module)."""
    return {}


@pytest.fixture
async def clinic(
    sandbox: Sandbox,  # noqa: F811
    store: Store,
    extra_settings: dict[str, object],
) -> AsyncIterator[Clinic]:
    now = datetime.now().astimezone()
    clock = ManualClock(now)
    settings = load_settings(
        telegram_token=sandbox.token, telegram_base_url=sandbox.bot_api_url, **extra_settings
    )
    services = build_services(store, settings, clock)
    staff = make_staff(now)
    other = make_staff(now, "nurse.okafor")
    admin = make_staff(now, "admin.ada", Role.ADMIN)
    team = make_team(now)
    async with store.uow() as uow:
        await uow.teams.add(team)
        for person in (staff, other, admin):
            await uow.staff.add(person)
        await uow.teams.add_member(team.id, staff.id, now)
        await uow.teams.add_member(team.id, other.id, now)
        await uow.commit()
    # pacing is tested on its own against the sandbox's limits; here it would only be slow
    await sandbox.client.set_limits(enabled=False)
    bot = sandbox.bot()
    runtime = BotRuntime(
        services, bot, poll_timeout=0, pacer=Pacer(rate=29, chat_burst=1000, chat_rate=1000)
    )
    await runtime.start()
    try:
        yield Clinic(
            services,
            runtime,
            sandbox,
            clock,
            Actor(staff=staff, team_ids=frozenset({team.id})),
            Actor(staff=admin),
        )
    finally:
        await runtime.stop()
