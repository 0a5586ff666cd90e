"""The installation id: made once, on first need, and kept (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
import uuid

from bot.services.installation import installation_id
from bot.store.uow import Store
from tests.services.conftest import World


async def test_the_id_is_a_uuid_made_once_and_kept(world: World) -> None:
    first = await world.services.reviews.installation()
    assert str(uuid.UUID(first)) == first
    assert await world.services.reviews.installation() == first


async def test_an_id_made_inside_a_use_case_is_committed_with_it(store: Store) -> None:
    async with store.uow() as uow:
        made = await installation_id(uow)
        await uow.commit()
    async with store.uow() as uow:
        assert await installation_id(uow) == made


async def test_an_id_made_in_a_transaction_that_rolls_back_is_not_kept(store: Store) -> None:
    async with store.uow() as uow:
        dropped = await installation_id(uow)  # no commit: rolled back
    async with store.uow() as uow:
        kept = await installation_id(uow)
        await uow.commit()
    assert re.fullmatch(r"[0-9a-f-]{36}", kept) and kept != dropped
