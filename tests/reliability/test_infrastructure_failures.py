"""An update that fails because the database or keys are unavailable is not the update's
fault: it keeps all its attempts and is handled once the infrastructure is back. A bug
triggered by the update uses up its attempts and is set aside after ``MAX_ATTEMPTS``."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import OperationalError
from telegram import Update

from bot.handlers.context import FAILURES
from bot.runtime.processor import InboxProcessor
from bot.services.clock import ManualClock
from bot.services.inbox import MAX_ATTEMPTS, InboxService
from bot.store.crypto import UnknownMasterKey
from bot.store.uow import Store


class FlakyApplication:
    """Stands in for the PTB application: fails ``failures`` times, then handles.

    With ``only`` set, only that update fails (and every time).
    """

    def __init__(self, error: Exception, failures: int, only: int | None = None) -> None:
        self.bot = None
        self.bot_data: dict[str, Any] = {}
        self.error = error
        self.failures_left = failures
        self.only = only
        self.handled: list[int] = []

    async def process_update(self, update: Update) -> None:
        if self.only is not None:
            if update.update_id == self.only:
                raise self.error
        elif self.failures_left:
            self.failures_left -= 1
            raise self.error
        self.handled.append(update.update_id)


def database_gone() -> OperationalError:
    return OperationalError("SELECT ...", {}, ConnectionError("server closed the connection"))


async def processor_with(
    store: Store, app: FlakyApplication
) -> tuple[InboxProcessor, InboxService]:
    from datetime import UTC, datetime

    inbox = InboxService(store.uow, ManualClock(datetime(2026, 3, 2, 14, 30, tzinfo=UTC)))
    await inbox.receive([{"update_id": 7}, {"update_id": 8}])
    return InboxProcessor(inbox, app, lambda: None), inbox  # type: ignore[arg-type]


async def test_an_update_outlasts_a_database_outage_longer_than_its_attempts(
    store: Store,
) -> None:
    app = FlakyApplication(database_gone(), failures=MAX_ATTEMPTS + 3)
    processor, inbox = await processor_with(store, app)
    for _ in range(MAX_ATTEMPTS + 3):
        assert await processor.process_pending() == 0
        assert processor.pause > 0
    assert [uid for uid, _ in await inbox.pending()] == [7, 8]
    assert await processor.process_pending() == 2
    assert app.handled == [7, 8]  # in order, none set aside
    assert processor.pause == 0


async def test_keys_rotated_elsewhere_do_not_use_up_an_updates_attempts(store: Store) -> None:
    app = FlakyApplication(UnknownMasterKey("not loaded yet"), failures=MAX_ATTEMPTS)
    processor, _ = await processor_with(store, app)
    for _ in range(MAX_ATTEMPTS):
        await processor.process_pending()
    await processor.process_pending()
    assert app.handled == [7, 8]


async def test_a_bug_uses_up_the_attempts_and_the_update_is_set_aside(store: Store) -> None:
    app = FlakyApplication(ValueError("a bug"), failures=0, only=7)
    processor, inbox = await processor_with(store, app)
    app.bot_data[FAILURES] = {}
    for _ in range(MAX_ATTEMPTS):
        await processor.process_pending()
    assert app.handled == [8]  # 7 failed for good; 8 was not held up behind it
    assert await inbox.pending() == []
