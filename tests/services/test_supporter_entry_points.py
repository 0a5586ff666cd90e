"""Every way a supporter's chat reaches the bot checks the supporter's status now: a
supporter still open (invited, pending, active) gets supporter help, and /stop leaves;
one who has ended (revoked, declined or left, expired, unreachable) is told only the
neutral line, and their old buttons do nothing. Table-driven: status × entry point."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

import pytest

from bot.domain.model import SupporterStatus
from bot.services import texts
from bot.services.supporter_consent import OPEN, PREFIX
from bot.services.texts import Supporters as t
from tests.services.conftest import World, active_patient
from tests.services.scenes import SUPPORTER_CHAT, add_supporter

Entry = Callable[[World, int], Awaitable[object]]
ENTRY_POINTS: dict[str, Entry] = {
    "/supporters": lambda w, u: w.services.supporters.menu(SUPPORTER_CHAT, u),
    "/help": lambda w, u: w.services.conversation.help(SUPPORTER_CHAT, u),
    "free text": lambda w, u: w.services.conversation.free_text(SUPPORTER_CHAT, "hi", u),
    "a sticker": lambda w, u: w.services.conversation.unreadable(SUPPORTER_CHAT, u),
    "a voice note": lambda w, u: w.services.conversation.unreadable(SUPPORTER_CHAT, u, spoken=True),
    "/stop": lambda w, u: w.services.conversation.stop(SUPPORTER_CHAT, u),
}
ENDED = [s for s in SupporterStatus if s not in OPEN and s is not SupporterStatus.DRAFT]


async def supporter_in(world: World, status: SupporterStatus) -> str:
    patient = await active_patient(world)
    supporter = await add_supporter(world, patient)
    async with world.services.store.uow() as uow:
        await uow.supporters.save(replace(supporter, status=status))
        await uow.commit()
    return supporter.id


async def replies(world: World) -> list[str]:
    return [
        str(m.payload.get("text"))
        for m in await world.outbox(recipient_kind="chat")
        if m.payload.get("chat_id") == SUPPORTER_CHAT and m.method == "sendMessage"
    ]


@pytest.mark.parametrize("status", OPEN)
@pytest.mark.parametrize("entry", [e for e in ENTRY_POINTS if e != "/stop"])
async def test_an_open_supporter_gets_supporter_help(
    world: World, status: SupporterStatus, entry: str
) -> None:
    await supporter_in(world, status)
    await ENTRY_POINTS[entry](world, world.update_id())
    assert await replies(world) == [t.SUPPORTER_HELP]


@pytest.mark.parametrize("status", ENDED)
@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
async def test_an_ended_supporter_gets_only_the_neutral_line(
    world: World, status: SupporterStatus, entry: str
) -> None:
    await supporter_in(world, status)
    await ENTRY_POINTS[entry](world, world.update_id())
    assert await replies(world) == [texts.NOT_ENROLLED]


@pytest.mark.parametrize("status", OPEN)
async def test_an_open_supporter_leaves_with_stop(world: World, status: SupporterStatus) -> None:
    supporter_id = await supporter_in(world, status)
    await ENTRY_POINTS["/stop"](world, world.update_id())
    assert await replies(world) == [t.LEFT]
    async with world.services.store.uow() as uow:
        supporter = await uow.supporters.get(supporter_id)
    assert supporter is not None and supporter.status is SupporterStatus.LEFT


@pytest.mark.parametrize("status", [s for s in SupporterStatus if s is not SupporterStatus.INVITED])
@pytest.mark.parametrize("action", ["accept", "decline"])
async def test_accept_or_decline_works_only_while_invited(
    world: World, status: SupporterStatus, action: str
) -> None:
    supporter_id = await supporter_in(world, status)
    await world.services.supporters.press(
        SUPPORTER_CHAT, f"{PREFIX}{action}:{supporter_id}", "cb-1", world.update_id()
    )
    async with world.services.store.uow() as uow:
        supporter = await uow.supporters.get(supporter_id)
        entries = [e.action for e in await uow.audit.entries(limit=100)]
    assert supporter is not None and supporter.status is status
    assert await replies(world) == []
    assert "supporter.press_stale" in entries
