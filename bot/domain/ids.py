"""Identifiers: opaque random row ids and human references."""

from __future__ import annotations

import secrets
import time


def new_id() -> str:
    """A 128-bit id as 32 hex characters: the time in milliseconds (48 bits), then 80
    random bits. Rows made together sit together in every primary-key index, so a tick
    that inserts 10,000 rows touches a few pages at the end of the index instead of
    thousands of pages all over it."""
    return f"{time.time_ns() // 1_000_000:012x}{secrets.token_hex(10)}"


def short_id(row_id: str) -> str:
    """The last 8 characters of an id: random, so they tell rows apart (the first ones are
    the time, shared by rows made within the same minute). Shown to staff and in logs."""
    return row_id[-8:]


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
