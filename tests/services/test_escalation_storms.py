"""An alert that cannot be delivered moves on to whoever has not been alerted yet, once;
it never sets off a storm of alerts, and an alert nobody can receive says so once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.delivery.api import Rejected
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.pacing import Pacer
from bot.domain.model import Escalation, Level, OutboundMessage, Patient, Staff
from bot.domain.risk import Finding
from bot.services.outgoing import Outgoing, commit
from tests.delivery.fakes import FakeBotApi
from tests.factories import make_staff
from tests.services.conftest import World

AVERY_CHAT = 650001
RIVERA, OKAFOR, LINDQVIST = 990101, 990102, 990103
CHATS = (RIVERA, OKAFOR, LINDQVIST)


@dataclass
class BrokenChat(FakeBotApi):
    """Telegram that answers 400 for every message to one chat."""

    broken: set[int] = field(default_factory=set)

    async def call(self, method: str, params: dict[str, Any]) -> Any:
        if params.get("chat_id") in self.broken:
            self.calls.append((method, params, 0.0))
            raise Rejected("400 Bad Request: chat not found")
        return await super().call(method, params)


@dataclass
class Team:
    world: World
    patient: Patient
    members: list[Staff]


async def team_of_three(world: World, *, linked: bool = True) -> Team:
    """Dr Rivera (the world's clinician), Nurse Okafor and Dr Lindqvist, in that order."""
    now = world.clock.now()
    others = [make_staff(now, "nurse.okafor"), make_staff(now, "dr.lindqvist")]
    patient = await world.services.patients.add(world.clinician, "Avery Quill", "Europe/London")
    invite = await world.services.patients.invite(world.clinician, patient.reference)
    await world.services.enrolment.start(AVERY_CHAT, invite.code, world.update_id())
    await world.services.enrolment.consent(AVERY_CHAT, True, "cb-consent", world.update_id())
    async with world.services.store.uow() as uow:
        for person in others:
            await uow.staff.add(person)
            await uow.teams.add_member(world.team_id, person.id, now)
        if linked:
            for person, chat in zip([world.staff, *others], CHATS, strict=True):
                await uow.staff.link_telegram(person.id, chat)
        await uow.commit()
    return Team(world, await world.patient(patient.reference), [world.staff, *others])


async def raise_(team: Team, level: Level) -> None:
    world = team.world
    async with world.services.store.uow() as uow:
        out = Outgoing(f"test:{world.update_id()}", world.clock.now())
        finding = Finding("craving_high", level, "craving 9 ≥ 8")
        await world.services.escalations.raise_findings(
            uow, team.patient, [finding], out, source="test"
        )
        await commit(uow, out)


async def deliver(world: World, api: FakeBotApi) -> None:
    dispatcher = Dispatcher(world.services.delivery, api, Pacer(), idle_poll=0.01)
    await dispatcher.run_until_idle()


async def the_escalation(world: World) -> Escalation:
    async with world.services.store.uow() as uow:
        (escalation,) = await uow.escalations.find()
    return escalation


async def timeline(world: World) -> list[str]:
    escalation = await the_escalation(world)
    async with world.services.store.uow() as uow:
        return [e.kind for e in await uow.escalations.events(escalation)]


def alerts_to(api: FakeBotApi, chat: int) -> int:
    return sum(1 for method, p, _ in api.calls if method == "sendMessage" and p["chat_id"] == chat)


async def test_a_crisis_alert_failing_for_one_clinician_reaches_everyone_else_once(
    world: World,
) -> None:
    team = await team_of_three(world)
    await raise_(team, Level.CRISIS)
    api = BrokenChat(broken={RIVERA})
    await deliver(world, api)
    assert [alerts_to(api, chat) for chat in CHATS] == [1, 1, 1]
    escalation = await the_escalation(world)
    assert escalation.notify_step == 0


async def test_when_everyone_has_an_alert_a_failure_is_noted_once_and_the_deadline_kept(
    world: World,
) -> None:
    team = await team_of_three(world)
    await raise_(team, Level.CRISIS)
    deadline = (await the_escalation(world)).next_notify_at
    await deliver(world, BrokenChat(broken={RIVERA, OKAFOR}))
    kinds = await timeline(world)
    assert kinds.count("delivery_failed") == 2
    assert kinds.count("no_one_left") == 1
    assert (await the_escalation(world)).next_notify_at == deadline


async def test_an_urgent_alert_that_fails_goes_to_the_next_person_only(world: World) -> None:
    team = await team_of_three(world)
    await raise_(team, Level.URGENT)
    api = BrokenChat(broken={RIVERA})
    await deliver(world, api)
    assert [alerts_to(api, chat) for chat in CHATS] == [1, 1, 0]
    assert (await the_escalation(world)).notify_step == 1


async def test_each_failure_in_turn_brings_in_one_more_person_and_then_stops(
    world: World,
) -> None:
    team = await team_of_three(world)
    await raise_(team, Level.URGENT)
    api = BrokenChat(broken={RIVERA, OKAFOR, LINDQVIST})
    await deliver(world, api)
    assert [alerts_to(api, chat) for chat in CHATS] == [1, 1, 1]
    assert (await timeline(world)).count("no_one_left") == 1


async def step_zero_alert(world: World) -> OutboundMessage:
    for message in await world.outbox(recipient_kind="staff", method="sendMessage"):
        if message.idempotency_key.endswith(":0:urgent"):
            return message
    raise AssertionError("no first alert")


async def test_a_late_failure_of_an_alert_from_an_earlier_step_is_only_recorded(
    world: World,
) -> None:
    team = await team_of_three(world)
    await raise_(team, Level.URGENT)
    first = await step_zero_alert(world)
    world.tick(minutes=31)  # the deadline passed: Rivera again, and Okafor
    assert await world.services.escalations.renotify_due() == 1
    before = len(await world.outbox(recipient_kind="staff"))
    await world.services.delivery.failed(first, "400 Bad Request: chat not found")
    assert len(await world.outbox(recipient_kind="staff")) == before
    assert (await the_escalation(world)).notify_step == 1
    assert (await timeline(world))[-1] == "delivery_failed"


async def test_an_alert_nobody_can_receive_says_so_once_not_at_every_deadline(
    world: World,
) -> None:
    team = await team_of_three(world, linked=False)
    assert not world.services.escalations.email_alerts  # nor e-mail: nobody can be reached
    await raise_(team, Level.CRISIS)
    for _ in range(4):
        world.tick(minutes=6)
        assert await world.services.escalations.renotify_due() == 1
    assert (await timeline(world)).count("no_recipient") == 1
    assert await world.outbox(recipient_kind="staff") == []
