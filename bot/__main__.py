"""``companion``: run the bot, the demo, the local sandbox, or migrate the database."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Annotated, Any, TypeVar

import typer

from bot.config import ConfigError, load_settings

T = TypeVar("T")

app = typer.Typer(
    name="companion",
    help="Relapse Companion: the Telegram bot and its tools.",
    no_args_is_help=True,
    add_completion=False,
)


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.secho(f"Error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code)


@app.command()
def migrate() -> None:
    """Upgrade the database schema to this version (creates it if empty).

    Back up the database first in production. Safe to run more than once.
    """
    from bot.bootstrap import open_store
    from bot.store.migrate import head_revision

    async def run() -> list[str]:
        opened = await open_store(load_settings(), initialise=True)
        await opened.store.close()
        return opened.notices

    for notice in _run(run()):
        typer.echo(notice)
    typer.echo(f"Database is at schema revision {head_revision()} (latest).")


@app.command()
def run(
    webhook: Annotated[
        bool, typer.Option("--webhook", help="Receive updates by webhook instead of polling.")
    ] = False,
) -> None:
    """Run the bot: receive updates, send check-ins, deliver messages.

    Needs COMPANION_TELEGRAM_TOKEN (and, for webhook mode, COMPANION_WEBHOOK_URL and
    COMPANION_WEBHOOK_SECRET). Logs ids and events only, never message content.
    """
    from bot.runtime.app import run_bot

    settings = load_settings()
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    # third-party DEBUG logs can carry request bodies (message text): keep them quiet
    for noisy in ("httpx", "telegram", "apscheduler", "aiohttp.access", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    _run(run_bot(settings, webhook=webhook))


@app.command()
def demo() -> None:
    """Play a scripted story end to end against the local sandbox, as a transcript."""
    from bot.demo import run_demo

    _run(run_demo())


@app.command()
def sandbox(
    host: Annotated[str, typer.Option(help="Address to bind (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8081,
) -> None:
    """Run the local Telegram Bot API sandbox alone (for trying the bot without Telegram)."""
    from bot.sandbox.server import serve_forever

    _run(serve_forever(host, port))


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine; turn known failures into one clear line and an exit code."""
    from bot.errors import describe_startup_error

    try:
        return asyncio.run(coroutine)
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    except Exception as exc:
        message = describe_startup_error(exc)
        if message is None:
            raise
        raise _fail(message) from None


def main() -> None:
    app(prog_name="companion")


if __name__ == "__main__":
    main()
