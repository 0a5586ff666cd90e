"""Running a CLI command: settings, store, acting staff member, and error translation.

Every command body is an ``async`` function taking a :class:`Session`; ``run`` opens the
store, resolves who is acting, and turns domain and start-up errors into one clear
message and a non-zero exit code. Nothing is half-written: each use case is one
transaction inside the services.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

import typer

from bot.bootstrap import OpenedStore, Services, build_services, open_store, process_origin
from bot.config import ConfigError, Settings, load_settings
from bot.domain.errors import DomainError, NotAllowed
from bot.errors import describe_startup_error
from bot.services.access import Actor, load_actor

T = TypeVar("T")


@dataclass
class Session:
    settings: Settings
    services: Services
    actor: Actor
    opened: OpenedStore


@dataclass
class CliState:
    """Global options, set by the root callback."""

    as_staff: str | None = None


STATE = CliState()


def fail(message: str, code: int = 2) -> typer.Exit:
    typer.secho(f"Error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code)


def command_name(body: Callable[..., Any]) -> str:
    """The command being run, as the audit log names it: ``patient_erase`` → ``patient.erase``.

    Command bodies are defined inside the command function, so its name is the first part
    of the body's qualified name.
    """
    return body.__qualname__.split(".")[0].replace("_", ".", 1)


def run(body: Callable[[Session], Awaitable[T]], *, needs_staff: bool = True) -> T:
    """Open everything, run ``body``, close; map failures to message + exit code."""

    async def go() -> T:
        settings = load_settings()
        opened = await open_store(settings, origin=process_origin("cli"))
        try:
            services = build_services(opened.store, settings)
            actor = Actor(staff=None)
            if needs_staff:
                username = STATE.as_staff or settings.staff
                if not username:
                    raise fail(
                        "who is acting? Set COMPANION_STAFF=<your username> or pass "
                        "--as <username> (e.g. clinician --as dr.rivera patient list)",
                        code=4,
                    )
                try:
                    async with opened.store.uow() as uow:
                        actor = await load_actor(uow, username)
                except NotAllowed:
                    await services.audit.record_refusal(f"unknown:{username}", command_name(body))
                    raise
            try:
                return await body(Session(settings, services, actor, opened))
            except NotAllowed as exc:
                if not exc.audited:
                    await services.audit.record_refusal(actor.audit_name, command_name(body))
                raise
        finally:
            await opened.store.close()

    return run_translated(go())


def run_translated(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine; settings, domain and start-up errors become a message and exit code."""
    try:
        return asyncio.run(coroutine)
    except typer.Exit:
        raise
    except ConfigError as exc:
        raise fail(str(exc), 2) from None
    except DomainError as exc:
        raise fail(str(exc), exc.exit_code) from None
    except Exception as exc:
        message = describe_startup_error(exc)
        if message is None:
            raise
        raise fail(message, 6) from None
