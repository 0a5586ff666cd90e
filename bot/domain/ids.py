"""Identifiers: opaque random row ids and human references."""

from __future__ import annotations

import secrets


def new_id() -> str:
    """A 128-bit random id as 32 hex characters."""
    return secrets.token_hex(16)


def patient_reference(number: int) -> str:
    """``P-0042``: what staff type and what alerts show instead of a name."""
    return f"P-{number:04d}"


def escalation_reference(number: int) -> str:
    return f"E-{number}"


def initials(name: str) -> str:
    """``Jane Q. Doe`` → ``J.D.``: enough for a clinician, little for anyone else."""
    parts = [p for p in name.replace(".", " ").split() if p[:1].isalpha()]
    if not parts:
        return "?"
    chosen = [parts[0], parts[-1]] if len(parts) > 1 else parts
    return "".join(p[0].upper() + "." for p in chosen)
