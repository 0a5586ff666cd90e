"""What the sandbox remembers: bots, their users and chats, messages, pending updates.

Each bot token is its own little Telegram: its own users, chats, updates, limits, faults
and statistics. User and group ids are unique across the whole sandbox.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Literal

import aiohttp

from bot.sandbox.faults import FaultPlan
from bot.sandbox.limits import Clock, LimitSettings, RateLimiter
from bot.sandbox.markup import NO_MARKUP, InlineKeyboard, Markup
from bot.sandbox.stats import Statistics
from bot.sandbox.webhook_policy import WebhookPolicy

BOT_FIRST_NAME = "Relapse Companion"
DEFAULT_BOT_USERNAME = "companion_sandbox_bot"
FIRST_USER_ID = 5_000_001
FIRST_GROUP_ID = 4_000_001
FIRST_UPDATE_ID = 100_001


@dataclass
class User:
    id: int
    first_name: str
    username: str | None
    language_code: str
    started: bool = False
    blocked: bool = False


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: Literal["photo", "document"]
    file_name: str
    mime_type: str
    data: bytes
    width: int = 0
    height: int = 0


@dataclass
class Version:
    """An earlier state of an edited message."""

    text: str | None
    source_text: str | None
    parse_mode: str | None
    inline_keyboard: InlineKeyboard | None
    date: float


@dataclass
class StoredMessage:
    message_id: int
    chat_id: int
    sender_id: int
    from_bot: bool
    date: float
    text: str | None = None
    source_text: str | None = None
    parse_mode: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    is_caption: bool = False
    markup: Markup = NO_MARKUP
    protect_content: bool = False
    disable_notification: bool = False
    reply_to_message_id: int | None = None
    photo: StoredFile | None = None
    document: StoredFile | None = None
    history: list[Version] = field(default_factory=list)
    edit_date: float | None = None
    deleted: bool = False

    @property
    def inline_keyboard(self) -> InlineKeyboard | None:
        return self.markup.inline_keyboard

    def callback_data(self) -> set[str]:
        rows = self.inline_keyboard or []
        return {b["callback_data"] for row in rows for b in row if "callback_data" in b}


@dataclass
class Chat:
    id: int
    kind: Literal["private", "group"]
    title: str | None = None
    member_ids: list[int] = field(default_factory=list)
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    next_message_id: int = 1

    @property
    def is_group(self) -> bool:
        return self.kind == "group"

    def new_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


@dataclass
class CallbackQuery:
    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    pressed_at: float
    update_id: int = 0
    answered: bool = False
    text: str | None = None
    show_alert: bool = False
    url: str | None = None
    answered_at: float | None = None


@dataclass
class Webhook:
    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class PendingUpdate:
    update_id: int
    payload: dict[str, Any]


class Notifier:
    """Wakes everyone waiting for "something changed"."""

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[None]] = set()

    def notify(self) -> None:
        for waiter in self._waiters:
            _settle(waiter)
        self._waiters.clear()

    async def wait(self, seconds: float) -> None:
        """Return on the next notification or after ``seconds``, whichever is first."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()
        self._waiters.add(waiter)
        timer = loop.call_later(max(0.0, seconds), _settle, waiter)
        try:
            await waiter
        finally:
            timer.cancel()
            self._waiters.discard(waiter)


def _settle(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


class IdSource:
    """Ids unique across the sandbox: users, groups, files, callback queries."""

    def __init__(self) -> None:
        self.next_user = FIRST_USER_ID
        self.next_group = FIRST_GROUP_ID
        self.next_file = 1
        self.next_callback = 1

    def user_id(self) -> int:
        self.next_user += 1
        return self.next_user - 1

    def group_id(self) -> int:
        self.next_group += 1
        return -(self.next_group - 1)

    def file_number(self) -> int:
        self.next_file += 1
        return self.next_file - 1

    def callback_number(self) -> int:
        self.next_callback += 1
        return self.next_callback - 1


class BotWorld:
    """One bot token's Telegram."""

    def __init__(
        self,
        token: str,
        ids: IdSource,
        limits: LimitSettings,
        webhook_policy: WebhookPolicy,
        username: str,
        limit_clock: Clock = time.monotonic,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.username = username
        self.ids = ids
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.updates: deque[PendingUpdate] = deque()
        self.next_update_id = FIRST_UPDATE_ID
        self.callbacks: dict[str, CallbackQuery] = {}
        self.files: dict[str, StoredFile] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.webhook = Webhook()
        self.webhook_policy = webhook_policy
        self.webhook_task: asyncio.Task[None] | None = None
        self.http: aiohttp.ClientSession | None = None
        self.limiter = RateLimiter(limits, limit_clock)
        self.faults = FaultPlan()
        self.stats = Statistics()
        self.update_arrived = Notifier()
        self.bot_acted = Notifier()
        self.poll_generation = 0
        self.closing = False

    @staticmethod
    def now() -> float:
        return time.time()

    def add_update(self, kind: str, body: dict[str, Any]) -> int:
        update_id = self.next_update_id
        self.next_update_id += 1
        self.updates.append(PendingUpdate(update_id, {"update_id": update_id, kind: body}))
        self.stats.updates_created += 1
        self.update_arrived.notify()
        return update_id

    def confirm_before(self, update_id: int) -> None:
        """Forget updates with a smaller id (the ``offset`` rule of getUpdates)."""
        while self.updates and self.updates[0].update_id < update_id:
            self.updates.popleft()

    def wake_everyone(self) -> None:
        self.update_arrived.notify()
        self.bot_acted.notify()
