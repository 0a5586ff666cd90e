"""``companion run``: receiving, processing, sending and the clock in one process.

Receiving by webhook runs on every instance; processing, polling, the dispatcher and the
scheduler ticks run only on the leader (PostgreSQL advisory lock; SQLite allows one
instance at all), so updates are handled one at a time, in order, by one process. A
standby that stores a webhook update wakes the leader's processor (PostgreSQL NOTIFY).
``BotRuntime`` is also driven step by step by the demo and the tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from typing import Any

from aiohttp import web
from telegram import Bot, BotCommand
from telegram.request import HTTPXRequest

from bot.bootstrap import Services, build_services, open_store, process_origin
from bot.config import ConfigError, Settings
from bot.delivery.api import PtbBotApi
from bot.delivery.channels import ChannelRouter
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.pacing import Pacer
from bot.handlers.app import build_application
from bot.handlers.commands import COMMANDS
from bot.runtime.processor import InboxProcessor
from bot.runtime.receiving import ALLOWED_UPDATES, Poller, WebhookReceiver
from bot.services.ports import Clock
from scheduler.jobs import build_scheduler, last_runs
from scheduler.leader import PostgresLeader, SqliteLock

log = logging.getLogger(__name__)


def make_bot(settings: Settings) -> Bot:
    if settings.telegram_token is None:
        raise ConfigError(
            [
                "COMPANION_TELEGRAM_TOKEN is not set: expected the bot token from @BotFather "
                "(or try `companion demo`, which needs none)"
            ]
        )
    request = HTTPXRequest(
        connection_pool_size=16, read_timeout=15, write_timeout=15, connect_timeout=10
    )
    polling = HTTPXRequest(connection_pool_size=2, read_timeout=40)
    return Bot(
        settings.telegram_token.get_secret_value(),
        base_url=settings.telegram_base_url,
        request=request,
        get_updates_request=polling,
    )


class BotRuntime:
    def __init__(
        self,
        services: Services,
        bot: Bot,
        *,
        concurrency: int = 8,
        poll_timeout: int = 25,
        pacer: Pacer | None = None,
    ) -> None:
        self.services = services
        self.bot = bot
        settings = services.settings
        self.application = build_application(bot, services)
        self.dispatcher = Dispatcher(
            services.delivery,
            ChannelRouter(PtbBotApi(bot), settings),
            pacer
            or Pacer(
                rate=settings.global_rate,
                chat_burst=settings.chat_burst,
                chat_rate=settings.chat_rate,
                group_per_minute=settings.group_per_minute,
            ),
            concurrency=concurrency,
        )
        self.processor = InboxProcessor(services.inbox, self.application, self.dispatcher.wake)
        self.poller = Poller(bot, services.inbox, self.processor.signal, timeout=poll_timeout)
        self.username: str | None = None

    async def start(self) -> None:
        await self.application.initialize()  # getMe
        self.username = self.bot.username
        async with self.services.store.uow() as uow:
            await uow.meta.set("bot_username", self.username)
            await uow.commit()
        await self.bot.set_my_commands([BotCommand(name, text) for name, text in COMMANDS])

    async def stop(self) -> None:
        await self.application.shutdown()

    # --- step by step (demo, tests) ----------------------------------------------------
    async def receive(self) -> int:
        return await self.poller.poll_once()

    async def settle(self, *, rounds: int = 20, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        """Receive, process and deliver until nothing is left to do."""
        for _ in range(rounds):
            received = await self.poller.poll_once()
            processed = await self.processor.process_pending()
            await self.dispatcher.run_until_idle(timeout)
            if not received and not processed:
                return

    async def tick(self) -> None:
        """Run every scheduler job once (the demo's and tests' clock)."""
        from scheduler.jobs import tick_table

        for _, _, work in tick_table(self.services):
            await work()
        await self.dispatcher.run_until_idle()


def settle_memory() -> None:
    """After start-up: what was loaded so far (modules, mappings, settings) is kept for the
    life of the process, so the garbage collector stops scanning it (``gc.freeze``).
    Otherwise every full collection walks the ~110,000 objects start-up left behind; in the
    tick benchmark (10,000 check-ins) the collector's share fell from 0.18 s to 0.04 s."""
    gc.collect()
    gc.freeze()


async def run_bot(settings: Settings, *, webhook: bool, clock: Clock | None = None) -> None:
    """Run until SIGINT/SIGTERM."""
    bot = make_bot(settings)
    if webhook and (settings.webhook_url is None or settings.webhook_secret is None):
        raise ConfigError(
            [
                "webhook mode needs COMPANION_WEBHOOK_URL (public https URL) and "
                "COMPANION_WEBHOOK_SECRET (32-256 of A-Z a-z 0-9 _ -)"
            ]
        )
    opened = await open_store(settings, origin=process_origin("bot"))
    for notice in opened.notices:
        log.info("%s", notice)
    services = build_services(opened.store, settings, clock)
    sqlite_lock = SqliteLock(settings.resolved_database_url) if opened.store.db.is_sqlite else None
    if sqlite_lock is not None:
        sqlite_lock.acquire()
    runtime = BotRuntime(services, bot)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    tasks: list[asyncio.Task[Any]] = []
    web_runner: web.AppRunner | None = None
    try:
        await runtime.start()
        settle_memory()
        log.info(
            "bot.started username=%s mode=%s", runtime.username, "webhook" if webhook else "polling"
        )
        if webhook:
            assert settings.webhook_secret is not None and settings.webhook_url is not None
            receiver = WebhookReceiver(
                services.inbox, settings.webhook_secret.get_secret_value(), runtime.processor.signal
            )
            web_runner = web.AppRunner(receiver.app(), access_log=None)
            await web_runner.setup()
            await web.TCPSite(web_runner, settings.webhook_listen, settings.webhook_port).start()
            await bot.set_webhook(
                settings.webhook_url,
                secret_token=(settings.webhook_secret.get_secret_value()),
                allowed_updates=ALLOWED_UPDATES,
            )
        tasks.append(
            asyncio.create_task(
                _lead(runtime, opened.store.db, stop, webhook=webhook), name="leader"
            )
        )
        await stop.wait()
    finally:
        stop.set()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, 10)
        if web_runner is not None:
            await web_runner.cleanup()
        await runtime.stop()
        if sqlite_lock is not None:
            sqlite_lock.release()
        await opened.store.close()
        log.info("bot.stopped")


async def _lead(runtime: BotRuntime, db: Any, stop: asyncio.Event, *, webhook: bool) -> None:
    """Wait to be leader; then process, dispatch, tick and (polling mode) poll until stopped
    or lost."""
    leader = None if db.is_sqlite else PostgresLeader(db, on_inbox=runtime.processor.signal)
    leader_task = None if leader is None else asyncio.create_task(leader.run(stop))
    while not stop.is_set():
        if leader is not None:
            log.info("leader.standby")
            done = asyncio.ensure_future(stop.wait())
            acquired = asyncio.ensure_future(leader.leading.wait())
            await asyncio.wait([done, acquired], return_when=asyncio.FIRST_COMPLETED)
            done.cancel()
            acquired.cancel()
            if stop.is_set():
                break
        term = asyncio.Event()
        released = await runtime.services.delivery.take_over()
        log.info("leader.leading released_claims=%s", released)
        last = await last_runs(runtime.services)
        scheduler = build_scheduler(runtime.services, runtime.dispatcher.wake, last)
        scheduler.start()
        work = [
            asyncio.create_task(runtime.processor.run(term)),
            asyncio.create_task(runtime.dispatcher.run(term)),
        ]
        polling = None if webhook else asyncio.create_task(runtime.poller.run(term))
        watchers = [asyncio.ensure_future(stop.wait())]
        if leader is not None:
            watchers.append(asyncio.ensure_future(leader.lost.wait()))
        await asyncio.wait(watchers, return_when=asyncio.FIRST_COMPLETED)
        for watcher in watchers:
            watcher.cancel()
        term.set()
        scheduler.shutdown(wait=False)
        if polling is not None:
            # a long poll would hold shutdown for up to 25 s; what it had not yet stored,
            # Telegram still holds (the offset only moves after a commit), so cancel it
            polling.cancel()
            work.append(polling)
        await asyncio.gather(*work, return_exceptions=True)
        if leader is None:
            break
    if leader_task is not None:
        await asyncio.gather(leader_task, return_exceptions=True)
