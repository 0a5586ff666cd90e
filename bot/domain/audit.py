"""The audit chain: each entry's hash covers its content and the previous hash.

Changing any stored field, deleting an entry, or reordering entries breaks the chain
at (or right after) the place it happened; :func:`first_broken_link` finds it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.domain.model import AuditEntry

GENESIS = "0" * 64


def entry_hash(
    prev_hash: str,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    patient_ref: str | None,
    detail: str,
    origin: str = "",
) -> str:
    body = json.dumps(
        [
            prev_hash,
            seq,
            at.astimezone(UTC).isoformat(timespec="microseconds"),
            actor,
            action,
            patient_ref,
            detail,
            origin,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    seq: int  # the first entry that does not verify
    reason: str


class ChainVerifier:
    """Checks entries one at a time, in sequence order, so a long log streams."""

    def __init__(self) -> None:
        self.prev_hash = GENESIS
        self.expected_seq = 1
        self.checked = 0

    def feed(self, entry: AuditEntry) -> BrokenLink | None:
        if entry.seq != self.expected_seq:
            return BrokenLink(
                self.expected_seq,
                f"entry {self.expected_seq} is missing (next present: {entry.seq})",
            )
        if entry.prev_hash != self.prev_hash:
            return BrokenLink(entry.seq, f"entry {entry.seq} does not follow entry {entry.seq - 1}")
        recomputed = entry_hash(
            entry.prev_hash,
            entry.seq,
            entry.at,
            entry.actor,
            entry.action,
            entry.patient_ref,
            entry.detail,
            entry.origin,
        )
        if recomputed != entry.hash:
            return BrokenLink(entry.seq, f"entry {entry.seq} was changed after it was written")
        self.prev_hash, self.expected_seq = entry.hash, self.expected_seq + 1
        self.checked += 1
        return None


def first_broken_link(entries: Iterable[AuditEntry]) -> BrokenLink | None:
    """Walk the chain in order; return the first entry that does not verify."""
    verifier = ChainVerifier()
    for entry in entries:
        broken = verifier.feed(entry)
        if broken is not None:
            return broken
    return None
