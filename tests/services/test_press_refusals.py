"""The refused-press counter on its own: one entry per refusal up to the limit, one
rate-limit entry, silence for the window, and memory bounded however many chats forge."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.model import EscalationStatus
from bot.services.refusals import RATE_LIMITED, PressRefusals
from tests.factories import make_staff, make_team
from tests.services.conftest import World, active_patient


async def refuse(world: World, refusals: PressRefusals, chat_id: int, times: int = 1) -> None:
    for _ in range(times):
        async with world.services.store.uow() as uow:
            await refusals.refuse(uow, chat_id, "plan", "forged")
            await uow.commit()


async def actions(world: World) -> list[str]:
    async with world.services.store.uow() as uow:
        entries = await uow.audit.entries(limit=1000)
    return [e.action for e in sorted(entries, key=lambda e: e.seq) if e.actor == "system"]


async def test_refusals_up_to_the_limit_are_each_audited(world: World) -> None:
    refusals = PressRefusals(world.clock, limit=3)
    await refuse(world, refusals, 1, 3)
    assert await actions(world) == ["plan.press_forged"] * 3
    assert not refusals.limited(1)


async def test_one_more_is_one_rate_limit_entry_then_silence(world: World) -> None:
    refusals = PressRefusals(world.clock, limit=3)
    await refuse(world, refusals, 1, 10)
    assert await actions(world) == ["plan.press_forged"] * 3 + [RATE_LIMITED]
    assert refusals.limited(1)


async def test_refusals_spread_wider_than_the_window_never_limit(world: World) -> None:
    refusals = PressRefusals(world.clock, limit=2, window=timedelta(minutes=10))
    for _ in range(6):
        await refuse(world, refusals, 1)
        world.tick(minutes=6)
    assert await actions(world) == ["plan.press_forged"] * 6


async def test_the_limit_ends_after_the_window(world: World) -> None:
    refusals = PressRefusals(world.clock, limit=1, window=timedelta(minutes=10))
    await refuse(world, refusals, 1, 2)
    world.tick(minutes=9)
    assert refusals.limited(1)
    world.tick(minutes=1)
    assert not refusals.limited(1)


async def test_the_rate_limit_entry_says_what_happened_without_any_ids(world: World) -> None:
    refusals = PressRefusals(world.clock, limit=1)
    await refuse(world, refusals, 700123, 2)
    async with world.services.store.uow() as uow:
        (entry,) = [e for e in await uow.audit.entries(limit=10) if e.action == RATE_LIMITED]
    assert "ignored for 10 min" in entry.detail and "700123" not in entry.detail


async def test_memory_is_bounded_however_many_chats_forge(world: World) -> None:
    refusals = PressRefusals(world.clock, limit=1, capacity=3)
    for chat_id in range(1, 9):
        await refuse(world, refusals, chat_id, 2)
    assert refusals.remembered == 3
    assert refusals.limited(8) and not refusals.limited(1)  # the oldest forgotten first


async def test_staff_of_another_team_pressing_an_alert_button_is_denied(world: World) -> None:
    patient = await active_patient(world, chat_id=700001)
    await world.services.safety.sos(700001, world.update_id())
    outsider = make_staff(world.clock.now(), "dr.elsewhere")
    async with world.services.store.uow() as uow:
        await uow.teams.add(make_team(world.clock.now(), "Other Team"))
        await uow.staff.add(outsider)
        await uow.staff.link_telegram(outsider.id, 700900)
        (escalation,) = await uow.escalations.find(patient_ids=[patient.id])
        await uow.commit()
    for press in (
        world.services.escalations.acknowledge_from_telegram,
        world.services.escalations.details_hint,
    ):
        await press(700900, escalation.id, "cb-outsider", world.update_id())
    async with world.services.store.uow() as uow:
        still = await uow.escalations.get(escalation.id)
        denied = [e for e in await uow.audit.entries(limit=100) if e.action == "alert.press_denied"]
    assert still is not None and still.status is EscalationStatus.OPEN
    assert [e.patient_ref for e in denied] == [patient.reference] * 2
    answers = [m.payload.get("text") for m in await world.outbox(method="answerCallbackQuery")]
    assert answers.count("Not available.") == 2  # not even the escalation's reference
