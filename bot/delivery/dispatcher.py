"""The outbox dispatcher: sends claimed messages under Telegram's limits.

* Per chat, messages go one at a time and in order (priority first, then age), so a
  429 or a retry never reorders a conversation.
* Across chats, up to ``concurrency`` requests are in flight, paced by :class:`Pacer`.
* Crisis messages (priority 0) overtake everything: ``wake()`` makes the loop claim at
  once, and the highest-priority ready head is always sent first.
* 429: that chat waits ``retry_after`` and the same message is retried (no attempt
  counted); other chats go on. Telegram does not say whether a 429 is for one chat or for
  the whole bot, so 429s for several chats close together pause everything.
  5xx/timeouts: exponential backoff with jitter up to ``max_attempts``, then failed and the
  care team told. 403: never retried; the recipient is marked unreachable.
* A row held longer than ``RECHECK_AFTER`` is checked again just before it is sent: one
  cancelled meanwhile (an erasure, a /stop) is dropped, not sent.
* A crash between sending and marking a row sent re-sends it once after its lease ends.
* Each leadership term starts with empty queues: what a previous term held may have been
  sent by another leader since.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass, field, replace
from datetime import timedelta

from bot.delivery.api import BotApi, RateLimited, Rejected, Transient, Unreachable
from bot.delivery.pacing import Pacer
from bot.domain.ids import short_id
from bot.domain.model import OutboundMessage
from bot.services.delivery import DeliveryService, Ready, backoff

log = logging.getLogger(__name__)
# Answering a button press is not a message to the chat: it is never held back.
UNPACED = frozenset({"answerCallbackQuery", "email", "webhook"})
FLUSH_EVERY = 0.2  # seconds between marking sent messages in the database
FLUSH_SIZE = 25
RECHECK_AFTER = 1.0  # seconds held after the claim before a row's status is read again
TELEGRAM_IDS_KEPT = 2000  # Telegram ids of recent sends, for edits (the database has all)
FORGET_PACING_EVERY = 60.0  # seconds between dropping the pacing state of idle chats
# 429s for this many different chats within this many seconds: the whole bot is limited
GLOBAL_429_CHATS = 3
GLOBAL_429_WINDOW = 10.0


@dataclass(order=True)
class _Queued:
    sort_key: tuple[int, str, str]
    ready: Ready = field(compare=False)
    not_before: float = field(default=0.0, compare=False)
    claimed_at: float = field(default_factory=time.monotonic, compare=False)


class Dispatcher:
    def __init__(
        self,
        delivery: DeliveryService,
        api: BotApi,
        pacer: Pacer,
        *,
        batch: int = 100,
        concurrency: int = 8,
        lease: timedelta = timedelta(seconds=120),
        idle_poll: float = 1.0,
        retry_base: float = 2.0,
        recheck_after: float = RECHECK_AFTER,
        remember: int = TELEGRAM_IDS_KEPT,
    ) -> None:
        self._delivery = delivery
        self._api = api
        self._pacer = pacer
        self._batch = batch
        self._lease = lease
        self._idle_poll = idle_poll
        self._retry_base = retry_base
        self._recheck_after = recheck_after
        self._remember_at_most = remember
        self._slots = asyncio.Semaphore(concurrency)
        self._queues: dict[int, list[_Queued]] = {}
        self._buffered: set[str] = set()
        self._busy: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._telegram_ids: OrderedDict[str, int] = OrderedDict()
        # sent but not yet marked in the database: flushed together, at most one per chat
        self._unmarked: dict[str, tuple[OutboundMessage, int | None]] = {}
        self._unmarked_chats: set[int] = set()
        self._rate_limited_at: dict[int, float] = {}  # chat -> when it last got a 429
        self._flushing = asyncio.Lock()
        self._last_flush = time.monotonic()
        self._wake = asyncio.Event()
        self._last_lease_renewal = time.monotonic()
        self._pacing_forgotten = pacer.clock()
        self.stats: Counter[str] = Counter()

    def _forget(self) -> None:
        """Drop everything held in memory (a leadership term begins or ends)."""
        self._queues.clear()
        self._buffered.clear()
        self._busy.clear()
        self._unmarked.clear()
        self._unmarked_chats.clear()
        self._telegram_ids.clear()
        self._rate_limited_at.clear()

    @property
    def remembered_ids(self) -> int:
        """How many Telegram message ids are cached (at most ``remember``)."""
        return len(self._telegram_ids)

    def _remember(self, message_id: str, telegram_id: int | None) -> None:
        if telegram_id is None:
            return
        self._telegram_ids[message_id] = telegram_id
        self._telegram_ids.move_to_end(message_id)
        while len(self._telegram_ids) > self._remember_at_most:
            self._telegram_ids.popitem(last=False)

    def wake(self) -> None:
        """New rows are in the outbox: claim now (replies and crisis messages feel instant)."""
        self._wake.set()

    @property
    def pending(self) -> int:
        return len(self._buffered)

    # --- the loop -------------------------------------------------------------------
    async def run(self, stop: asyncio.Event) -> None:
        """Send until stopped; a database error is logged and waited out, never fatal.

        One call is one leadership term: it starts and ends with nothing held in memory.
        """
        delay = 1.0
        self._forget()
        try:
            while not stop.is_set():
                try:
                    await self.step()
                    delay = 1.0
                except Exception:
                    log.exception("delivery.loop_error retry_in=%.0fs", delay)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 30.0)
                    continue
                await self._sleep(stop)
        finally:
            try:
                await self._drain_tasks()
                await self.flush()
            finally:
                self._forget()

    async def run_until_idle(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        """Send everything that is ready now, then return (tests and the demo)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            # a send that ends while we claim may commit new rows (an alert after a
            # failure): only a round with no send in flight before or after proves idle
            busy_before = bool(self._tasks)
            claimed = await self.step()
            if not claimed and not busy_before and not self._buffered and not self._tasks:
                await self.flush()
                return
            await self._sleep(None, cap=0.05)
        raise TimeoutError(f"outbox not idle after {timeout}s ({len(self._buffered)} waiting)")

    async def step(self) -> int:
        """Claim if needed, then start every send that pacing allows. Returns rows claimed."""
        claimed = 0
        if self._wake.is_set() or len(self._buffered) < self._batch // 2:
            self._wake.clear()
            claimed = await self._claim()
        await self._renew_leases()
        self._forget_idle_pacing()
        if self._unmarked and (
            len(self._unmarked) >= FLUSH_SIZE or time.monotonic() - self._last_flush >= FLUSH_EVERY
        ):
            await self.flush()
        self._start_sends()
        return claimed

    async def flush(self) -> None:
        """Mark what was sent, in one transaction (fewer turns at the database).

        A crash before a flush re-sends those messages once; keeping at most one unmarked
        message per chat keeps that to at most one duplicate per chat.
        """
        async with self._flushing:
            if not self._unmarked:
                return
            batch = list(self._unmarked.values())
            self._unmarked.clear()
            self._unmarked_chats.clear()
            self._last_flush = time.monotonic()
            await self._delivery.sent_many(batch)

    async def _claim(self) -> int:
        ready = await self._delivery.claim(self._batch, self._lease)
        fresh = [r for r in ready if r.message.id not in self._buffered]
        for item in fresh:
            message = item.message
            key = (message.priority, message.created_at.isoformat(), message.id)
            bisect.insort(self._queues.setdefault(item.chat_id, []), _Queued(key, item))
            self._buffered.add(message.id)
        self.stats["claimed"] += len(fresh)
        return len(fresh)

    async def _renew_leases(self) -> None:
        now = time.monotonic()
        if now - self._last_lease_renewal < self._lease.total_seconds() / 3:
            return
        self._last_lease_renewal = now
        await self._delivery.keep_leases(sorted(self._buffered), self._lease)

    def _forget_idle_pacing(self) -> None:
        now = self._pacer.clock()
        if now - self._pacing_forgotten >= FORGET_PACING_EVERY:
            self._pacing_forgotten = now
            self._pacer.forget_idle()

    def _heads(self) -> list[tuple[_Queued, int]]:
        now = time.monotonic()
        heads = [
            (queue[0], chat)
            for chat, queue in self._queues.items()
            if queue and chat not in self._busy and queue[0].not_before <= now
        ]
        heads.sort(key=lambda pair: pair[0].sort_key)
        return heads

    def _start_sends(self) -> None:
        for head, chat in self._heads():
            if self._slots.locked():
                return
            paced = head.ready.message.method not in UNPACED
            if paced and self._pacer.wait(chat) > 0:
                continue
            self._busy.add(chat)
            if paced:
                self._pacer.take(chat)
            task = asyncio.create_task(self._send(chat, head))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _sleep(self, stop: asyncio.Event | None, cap: float | None = None) -> None:
        waits = [self._idle_poll if cap is None else cap]
        if self._unmarked:
            waits.append(FLUSH_EVERY)
        now = time.monotonic()
        for chat, queue in self._queues.items():
            if queue and chat not in self._busy:
                pacing = 0.0 if queue[0].ready.message.method in UNPACED else self._pacer.wait(chat)
                waits.append(max(queue[0].not_before - now, pacing, 0.005))
        timeout = min(waits)
        waiters: list[asyncio.Future[object]] = [asyncio.ensure_future(self._wake.wait())]
        if stop is not None:
            waiters.append(asyncio.ensure_future(stop.wait()))
        waiters.extend(self._tasks)  # type: ignore[arg-type]
        await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        for future in waiters[: 2 if stop is not None else 1]:
            if not future.done():
                future.cancel()

    async def _drain_tasks(self) -> None:
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # --- one message ------------------------------------------------------------------
    def _pop(self, chat: int, queued: _Queued) -> None:
        queue = self._queues.get(chat, [])
        if queued in queue:
            queue.remove(queued)
        if not queue:
            self._queues.pop(chat, None)
        self._buffered.discard(queued.ready.message.id)

    def _drop_recipient(self, ready: Ready) -> list[OutboundMessage]:
        """Drop what is queued for an unreachable recipient; returns what was dropped.

        Messages to bare chats all share the recipient ("chat", "-"): for them only the
        same chat is dropped, never messages to other people.
        """
        message = ready.message
        dropped: list[OutboundMessage] = []
        for chat, queue in list(self._queues.items()):
            for item in list(queue):
                other = item.ready.message
                if message.recipient_kind == "chat":
                    same = other.recipient_kind == "chat" and item.ready.chat_id == ready.chat_id
                else:
                    same = (other.recipient_kind, other.recipient_id) == (
                        message.recipient_kind,
                        message.recipient_id,
                    )
                if same:
                    self._pop(chat, item)
                    dropped.append(other)
        return dropped

    def _rate_limited(self, chat: int, queued: _Queued, retry_after: float) -> str:
        """Hold this chat ``retry_after`` seconds; hold everyone when several chats got a
        429 close together (a bot-wide limit). Returns which it was."""
        now = time.monotonic()
        queued.not_before = now + retry_after  # also for unpaced calls (button answers)
        self._pacer.pause_chat(chat, retry_after)
        self._rate_limited_at[chat] = now
        for other, at in list(self._rate_limited_at.items()):
            if now - at > GLOBAL_429_WINDOW:
                del self._rate_limited_at[other]
        if len(self._rate_limited_at) >= GLOBAL_429_CHATS:
            self._pacer.pause_all(retry_after)
            return "all"
        return "chat"

    async def _send(self, chat: int, queued: _Queued) -> None:
        ready = queued.ready
        message = ready.message
        async with self._slots:
            try:
                await self._deliver(chat, queued)
            except RateLimited as exc:
                self.stats["rate_limited"] += 1
                scope = self._rate_limited(chat, queued, exc.retry_after)
                log.warning(
                    "delivery.rate_limited id=%s retry_after=%s paused=%s",
                    short_id(message.id),
                    exc.retry_after,
                    scope,
                )
            except Unreachable as exc:
                self.stats["unreachable"] += 1
                log.info(
                    "delivery.unreachable id=%s kind=%s",
                    short_id(message.id),
                    message.recipient_kind,
                )
                dropped = self._drop_recipient(ready)
                await self._delivery.unreachable(message, str(exc))
                if message.recipient_kind == "chat":  # the others were not cancelled by kind
                    for other in dropped:
                        if other.id != message.id:
                            await self._delivery.cancelled(other, "recipient unreachable")
            except Rejected as exc:
                if message.method.startswith("edit") and "not modified" in str(exc):
                    self._pop(chat, queued)
                    await self._delivery.sent(message, None)
                    self.stats["sent"] += 1
                else:
                    self.stats["failed"] += 1
                    log.warning(
                        "delivery.rejected id=%s method=%s", short_id(message.id), message.method
                    )
                    self._pop(chat, queued)
                    await self._delivery.failed(message, str(exc))
            except (TimeoutError, Transient, OSError) as exc:
                await self._retry_later(chat, queued, str(exc) or type(exc).__name__)
            except Exception:
                log.exception("delivery.error id=%s", short_id(message.id))
                await self._retry_later(chat, queued, "internal error")
            finally:
                self._busy.discard(chat)

    async def _deliver(self, chat: int, queued: _Queued) -> None:
        ready = queued.ready
        message = ready.message
        recheck = time.monotonic() - queued.claimed_at >= self._recheck_after
        if not await self._delivery.still_allowed(message, recheck=recheck):
            self.stats["cancelled"] += 1
            self._pop(chat, queued)
            return
        telegram_id: int | None = None
        ref = message.payload.get("message_ref")
        if isinstance(ref, str):
            telegram_id = self._telegram_ids.get(ref)
            if telegram_id is None:
                telegram_id, possible = await self._delivery.telegram_message_id(ref)
                if not possible:
                    self.stats["cancelled"] += 1
                    self._pop(chat, queued)
                    await self._delivery.cancelled(message, "original message not sent")
                    return
                if telegram_id is None:  # the original is still on its way
                    queued.not_before = time.monotonic() + 1.0
                    return
        if chat in self._unmarked_chats:
            await self.flush()  # never two unmarked messages for one chat
        result = await self._api.call(message.method, self._delivery.bot_params(ready, telegram_id))
        sent_id = result.get("message_id") if isinstance(result, dict) else None
        telegram = sent_id if isinstance(sent_id, int) else None
        self._remember(message.id, telegram)
        self._pop(chat, queued)
        self._unmarked[message.id] = (message, telegram)
        self._unmarked_chats.add(chat)
        self.stats["sent"] += 1

    async def _retry_later(self, chat: int, queued: _Queued, error: str) -> None:
        message = queued.ready.message
        attempts = message.attempts + 1
        if attempts >= self._delivery.max_attempts:
            self.stats["failed"] += 1
            log.warning("delivery.failed id=%s attempts=%s", short_id(message.id), attempts)
            self._pop(chat, queued)
            await self._delivery.failed(message, error)
            return
        self.stats["retried"] += 1
        delay = backoff(attempts, base=self._retry_base)
        queued.ready = replace(queued.ready, message=replace(message, attempts=attempts))
        queued.not_before = time.monotonic() + delay
        await self._delivery.attempt_failed(message, error, self._lease + timedelta(seconds=delay))
