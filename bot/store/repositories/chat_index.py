"""The blind-index purpose of a chat that may be a patient's.

``patients.chat_index``, ``inbox.chat_index`` and the ``chat_index`` of outbox rows sent
to a bare chat all use it, so erasing a patient finds every stored update from their
chat, and every message to it, by the index the patients row already holds.
"""

from __future__ import annotations

PATIENT_CHAT = "patient-chat"
