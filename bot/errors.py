"""Start-up failures that deserve one clear sentence instead of a traceback."""

from __future__ import annotations

from bot.store.crypto import KeyProblem
from bot.store.database import DatabaseUnreachable, SchemaError
from bot.store.keyfile import KeyFileError
from scheduler.leader import AlreadyRunning

# ``companion`` exit codes (the ``clinician`` command exits 6 for every start-up problem)
EXIT_REFUSED = 2  # settings, schema, keys, a second instance on SQLite, a busy port
EXIT_DATABASE_UNREACHABLE = 6


def describe_startup_error(exc: BaseException) -> str | None:
    """A message for a known start-up problem, or None to let it propagate."""
    if isinstance(
        exc, (SchemaError, KeyFileError, KeyProblem, AlreadyRunning, DatabaseUnreachable)
    ):
        return str(exc)
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.strerror}: {exc.filename}"
    return None


def startup_exit_code(exc: BaseException) -> int:
    """The ``companion`` exit code for a problem :func:`describe_startup_error` knows."""
    if isinstance(exc, DatabaseUnreachable):
        return EXIT_DATABASE_UNREACHABLE
    return EXIT_REFUSED
