"""Settings-like values stored in the database, and human-number counters."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.tables import CounterRow, MetaRow


class MetaRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, name: str) -> str | None:
        row = await self._session.get(MetaRow, name)
        return None if row is None else row.value

    async def set(self, name: str, value: str) -> None:
        row = await self._session.get(MetaRow, name)
        if row is None:
            self._session.add(MetaRow(name=name, value=value))
        else:
            row.value = value

    async def next_number(self, counter: str) -> int:
        """The next value of a named counter; the row lock serialises concurrent callers."""
        result = await self._session.execute(
            update(CounterRow)
            .where(CounterRow.name == counter)
            .values(value=CounterRow.value + 1)
            .returning(CounterRow.value)
        )
        value = result.scalar_one_or_none()
        if value is not None:
            return int(value)
        self._session.add(CounterRow(name=counter, value=1))
        await self._session.flush()
        return 1

    async def peek(self, counter: str) -> int:
        value = await self._session.scalar(
            select(CounterRow.value).where(CounterRow.name == counter)
        )
        return int(value or 0)
