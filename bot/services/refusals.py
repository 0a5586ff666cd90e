"""Refused button presses: audited one by one, until a chat keeps forging.

A press is refused when its data was not made by us for this chat (``forged``), no
longer applies (``stale``: the check-in closed, the supporter ended, the button
expired), comes from a chat the button's use case does not know (``unknown_chat``) or
from someone without the right to it (``denied``: a staff member of another team).
Each refusal is one neutral audit entry, ``<kind>.press_<reason>`` by ``system``, with
the patient's reference when the chat is a patient's and never the data pressed.

A chat whose presses are refused more than ``limit`` times within ``window`` is
rate-limited for ``window``: one ``press.rate_limited`` entry says so, and its presses
are then answered (so the spinner stops) and ignored before any use case runs, with no
entry each. Only button presses are limited; commands, messages and /sos never are.

The counts live in process memory (the leader processes every update), bounded to
``capacity`` chats, the least recently refused forgotten first. They hold chat ids and
times only, never what was pressed.
"""

from __future__ import annotations

import logging
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.services.outgoing import Outgoing
from bot.services.ports import Clock, UnitOfWork

log = logging.getLogger(__name__)

LIMIT = 20
WINDOW = timedelta(minutes=10)
CAPACITY = 10_000
REASONS = frozenset({"forged", "stale", "unknown_chat", "denied"})
RATE_LIMITED = "press.rate_limited"


@dataclass
class _Chat:
    refused_at: deque[datetime] = field(default_factory=deque)
    limited_until: datetime | None = None


class PressRefusals:
    def __init__(
        self,
        clock: Clock,
        *,
        limit: int = LIMIT,
        window: timedelta = WINDOW,
        capacity: int = CAPACITY,
    ) -> None:
        self._clock = clock
        self.limit = limit
        self.window = window
        self.capacity = capacity
        self._chats: OrderedDict[int, _Chat] = OrderedDict()

    @property
    def remembered(self) -> int:
        """How many chats are remembered (never more than ``capacity``)."""
        return len(self._chats)

    def limited(self, chat_id: int) -> bool:
        """True while presses from this chat are ignored unaudited."""
        state = self._chats.get(chat_id)
        if state is None or state.limited_until is None:
            return False
        if self._clock.now() < state.limited_until:
            return True
        state.limited_until = None
        state.refused_at.clear()
        return False

    async def refuse(
        self,
        uow: UnitOfWork,
        chat_id: int,
        kind: str,
        why: str,
        *,
        patient_ref: str | None = None,
        out: Outgoing | None = None,
        callback_query_id: str | None = None,
    ) -> None:
        """Record one refused press in the caller's unit of work. With ``out`` and
        ``callback_query_id`` the press is answered too (for chats no use case knows)."""
        assert why in REASONS, why
        if out is not None and callback_query_id is not None:
            answer_chat(out, chat_id, callback_query_id)
        if self.limited(chat_id):
            return
        now = self._clock.now()
        log.info("press.refused kind=%s reason=%s", kind, why)
        state = self._remember(chat_id)
        state.refused_at.append(now)
        while state.refused_at and state.refused_at[0] <= now - self.window:
            state.refused_at.popleft()
        if len(state.refused_at) > self.limit:
            state.limited_until = now + self.window
            state.refused_at.clear()
            minutes = int(self.window.total_seconds() // 60)
            log.warning("press.rate_limited kind=%s", kind)
            await uow.audit.append(
                actor="system",
                action=RATE_LIMITED,
                at=now,
                patient_ref=patient_ref,
                detail=f"more than {self.limit} refused presses within {minutes} min; "
                f"presses from this chat are ignored for {minutes} min",
            )
            return
        await uow.audit.append(
            actor="system", action=f"{kind}.press_{why}", at=now, patient_ref=patient_ref
        )

    async def unknown_chat(
        self, uow: UnitOfWork, out: Outgoing, chat_id: int, kind: str, callback_query_id: str
    ) -> None:
        """A press from a chat the button's use case does not know: answered and refused."""
        await self.refuse(
            uow, chat_id, kind, "unknown_chat", out=out, callback_query_id=callback_query_id
        )

    def _remember(self, chat_id: int) -> _Chat:
        state = self._chats.pop(chat_id, None) or _Chat()
        self._chats[chat_id] = state  # most recently refused last
        while len(self._chats) > self.capacity:
            self._chats.popitem(last=False)
        return state


def answer_chat(out: Outgoing, chat_id: int, callback_query_id: str) -> None:
    """Answer a press from a chat that may be nobody's (so its spinner stops)."""
    out.add(
        "chat",
        "-",
        "answerCallbackQuery",
        {"chat_id": chat_id, "callback_query_id": callback_query_id},
        purpose="callback",
    )
