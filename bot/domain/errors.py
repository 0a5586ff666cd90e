"""Domain errors: specific, with a message a person can act on.

Entry points translate them once (CLI: message and exit code; bot: a neutral reply).
"""

from __future__ import annotations


class DomainError(Exception):
    """Base class. ``exit_code`` is what the CLI returns for it."""

    exit_code = 1


class NotFound(DomainError):
    """The thing named does not exist (or is not visible to the caller)."""

    exit_code = 3


class NotAllowed(DomainError):
    """The caller may not do this (role, care team, consent).

    ``audited`` is True once the refusal is in the audit log, so it is recorded once.
    """

    exit_code = 4
    audited = False


class InvalidInput(DomainError):
    """Input is malformed or out of range; the message says what would be valid."""

    exit_code = 2


class Conflict(DomainError):
    """The request clashes with the current state (already used, already exists)."""

    exit_code = 5
