"""Secret invite codes: short enough to type, long enough not to guess."""

from __future__ import annotations

import secrets

# Telegram deep-link payloads allow A-Z a-z 0-9 _ - and up to 64 characters.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"


def new_secret_code(prefix: str, length: int = 20) -> str:
    """``p_`` + 20 characters from a 57-letter alphabet: about 116 bits of chance."""
    body = "".join(secrets.choice(_ALPHABET) for _ in range(length))
    return f"{prefix}_{body}"
