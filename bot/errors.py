"""Start-up failures that deserve one clear sentence instead of a traceback."""

from __future__ import annotations

from bot.store.crypto import KeyProblem
from bot.store.database import SchemaError
from bot.store.keyfile import KeyFileError
from scheduler.leader import AlreadyRunning


def describe_startup_error(exc: BaseException) -> str | None:
    """A message for a known start-up problem, or None to let it propagate."""
    if isinstance(exc, (SchemaError, KeyFileError, KeyProblem, AlreadyRunning)):
        return str(exc)
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.strerror}: {exc.filename}"
    name = type(exc).__name__
    if name in {"ConnectionRefusedError", "InvalidCatalogNameError", "InvalidPasswordError"}:
        return f"cannot connect to the database ({name}); check COMPANION_DATABASE_URL"
    return None
