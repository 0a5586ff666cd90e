"""Reading what a command printed."""

from __future__ import annotations


def flat(text: str) -> str:
    """Output with Rich's line wrapping undone."""
    return " ".join(text.split())
