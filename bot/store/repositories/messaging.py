"""The message tables: the durable inbox and the transactional outbox (one module each)."""

from __future__ import annotations

from bot.store.repositories.inbox import InboxRepository as InboxRepository
from bot.store.repositories.outbox import OutboxRepository as OutboxRepository
