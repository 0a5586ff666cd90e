"""Button tags: HMAC-SHA256 with the blind-index key, domain-separated, 8 characters.

A button carries ``tag(checkin|position|value)`` instead of the value itself, so what a
patient pressed never travels in callback data, and a forged press matches nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from bot.store.crypto import KeyRing


class HmacSigner:
    def __init__(self, ring: KeyRing) -> None:
        self._key = hmac.new(ring.index_key, b"button-tags", hashlib.sha256).digest()

    def tag(self, text: str) -> str:
        digest = hmac.new(self._key, text.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:6]).decode()
