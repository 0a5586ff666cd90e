"""The audit chain: each entry's seal covers its content and the previous entry's seal.

Entries are **sealed** with HMAC-SHA256 under the audit key (derived from the key file,
never stored in the database), stored as ``k1:`` + 43 base64url characters in the
``hash`` column. Someone who can write the database but lacks the key cannot change,
re-attribute or re-chain an entry without the change showing at (or right after) the
place it happened; :class:`ChainVerifier` finds it.

Entries written before sealing existed carry a bare SHA-256 hex hash (64 characters) and
are checked the old way, but only *before* the first sealed entry: an unsealed entry
after a sealed one is itself a sign of rewriting.

Deleting entries from the end (and moving the head back) leaves a shorter chain that is
consistent in itself; only a **checkpoint** kept outside the database reveals it: the
entry count and a keyed tag of the entry at that count, short enough to write down
(``1234-ABCD-EFGH-IJKL-MNOP``). :class:`ChainVerifier` checks that the chain still holds
every checkpoint it is given.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.domain.errors import InvalidInput
from bot.domain.model import AuditEntry

GENESIS = "0" * 64
SEALED = "k1:"  # version prefix of a sealed entry's stored hash
CHECKPOINT_EXAMPLE = "1234-ABCD-EFGH-IJKL-MNOP"
_TAG_CHARS = 16  # base32 characters (80 bits) in a checkpoint
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})


def _body(
    prev_hash: str,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    patient_ref: str | None,
    detail: str,
    origin: str,
) -> bytes:
    return json.dumps(
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
    ).encode()


def entry_seal(
    key: bytes,
    prev_hash: str,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    patient_ref: str | None,
    detail: str,
    origin: str = "",
) -> str:
    """The stored ``hash`` of a new entry: ``k1:`` and its HMAC-SHA256 under ``key``."""
    body = _body(prev_hash, seq, at, actor, action, patient_ref, detail, origin)
    mac = hmac.new(key, b"audit-entry\x00" + body, hashlib.sha256).digest()
    return SEALED + base64.urlsafe_b64encode(mac).decode().rstrip("=")


def is_sealed(stored_hash: str) -> bool:
    return stored_hash.startswith(SEALED)


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
    """The unkeyed SHA-256 of entries written before sealing (checked, never written)."""
    body = _body(prev_hash, seq, at, actor, action, patient_ref, detail, origin)
    return hashlib.sha256(body).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    seq: int  # the first entry that does not verify
    reason: str


@dataclass(frozen=True)
class Checkpoint:
    """The chain as it stood after ``count`` entries: a keyed tag of entry ``count``."""

    count: int
    tag: str  # 16 base32 characters

    def __str__(self) -> str:
        groups = [self.tag[i : i + 4] for i in range(0, len(self.tag), 4)]
        return "-".join([str(self.count), *groups])


def checkpoint_of(key: bytes, count: int, stored_hash: str) -> Checkpoint:
    """The checkpoint after ``count`` entries, the last of which has ``stored_hash``."""
    message = f"audit-checkpoint\x00{count}\x00{stored_hash}".encode()
    mac = hmac.new(key, message, hashlib.sha256).digest()
    return Checkpoint(count, base64.b32encode(mac).decode()[:_TAG_CHARS])


def parse_checkpoint(text: str) -> Checkpoint:
    """Read a checkpoint as written down: case, spaces and 0/1/8 for O/I/B forgiven."""
    cleaned = "".join(text.split()).upper()
    count_text, _, tag_text = cleaned.partition("-")
    tag = tag_text.replace("-", "").translate(_LOOKALIKES)
    if (
        not count_text.isdigit()
        or len(count_text) > 18
        or len(tag) != _TAG_CHARS
        or any(ch not in _B32 for ch in tag)
    ):
        raise InvalidInput(
            f"{text.strip()[:60]!r} is not an audit checkpoint; one looks like "
            f"{CHECKPOINT_EXAMPLE} (the entry count, then 16 letters and digits), as "
            "`clinician audit verify` prints it"
        )
    return Checkpoint(int(count_text), tag)


@dataclass(frozen=True)
class ChainReport:
    """What a full verification found."""

    checked: int  # entries verified, in order from the first
    broken: BrokenLink | None
    unsealed: int  # of those, entries from before sealing (checked by bare SHA-256)
    head: Checkpoint  # the chain after ``checked`` entries
    confirmed: int = 0  # checkpoints given that the chain still holds


class ChainVerifier:
    """Checks entries one at a time, in sequence order, so a long log streams.

    ``checkpoints`` are states the chain must still contain; one that does not match,
    or lies beyond the end, is reported as a broken link.
    """

    def __init__(self, key: bytes, checkpoints: Iterable[Checkpoint] = ()) -> None:
        self._key = key
        self.prev_hash = GENESIS
        self.expected_seq = 1
        self.checked = 0
        self.unsealed = 0
        self.confirmed = 0
        self._sealed_seen = False
        self._pending: dict[int, list[Checkpoint]] = {}
        for checkpoint in checkpoints:
            self._pending.setdefault(checkpoint.count, []).append(checkpoint)

    def _check_points(self, seq: int) -> BrokenLink | None:
        for given in self._pending.pop(seq, []):
            if given != checkpoint_of(self._key, seq, self.prev_hash):
                return BrokenLink(
                    max(seq, 1),
                    f"the log's first {seq} entries are not the ones checkpoint {given} "
                    f"recorded: entries up to {seq} were rewritten (or the checkpoint was "
                    "mistyped, or is from another installation)",
                )
            self.confirmed += 1
        return None

    def feed(self, entry: AuditEntry) -> BrokenLink | None:
        if self.expected_seq == 1:
            broken = self._check_points(0)
            if broken is not None:
                return broken
        if entry.seq != self.expected_seq:
            return BrokenLink(
                self.expected_seq,
                f"entry {self.expected_seq} is missing (next present: {entry.seq})",
            )
        if entry.prev_hash != self.prev_hash:
            return BrokenLink(entry.seq, f"entry {entry.seq} does not follow entry {entry.seq - 1}")
        fields = (
            entry.prev_hash,
            entry.seq,
            entry.at,
            entry.actor,
            entry.action,
            entry.patient_ref,
            entry.detail,
            entry.origin,
        )
        if is_sealed(entry.hash):
            expected = entry_seal(self._key, *fields)
            self._sealed_seen = True
        elif self._sealed_seen:
            return BrokenLink(
                entry.seq,
                f"entry {entry.seq} is not sealed with the audit key, yet entries before it "
                "are: it was rewritten",
            )
        else:
            expected = entry_hash(*fields)
        if not hmac.compare_digest(expected, entry.hash):
            return BrokenLink(entry.seq, f"entry {entry.seq} was changed after it was written")
        self.prev_hash, self.expected_seq = entry.hash, self.expected_seq + 1
        self.checked += 1
        self.unsealed += 0 if self._sealed_seen else 1
        return self._check_points(entry.seq)

    def finish(self) -> BrokenLink | None:
        """After the last entry: a checkpoint beyond the end means entries were deleted."""
        if self.expected_seq == 1:
            broken = self._check_points(0)
            if broken is not None:
                return broken
        if not self._pending:
            return None
        last = self.checked
        beyond = max(self._pending)
        given = self._pending[beyond][0]
        return BrokenLink(
            last + 1,
            f"the log ends at entry {last}, but checkpoint {given} recorded {beyond} "
            f"entries: entries {last + 1} to {beyond} were deleted (or the database was "
            "replaced by an older copy)",
        )

    def head(self) -> Checkpoint:
        return checkpoint_of(self._key, self.checked, self.prev_hash)


def first_broken_link(
    entries: Iterable[AuditEntry], key: bytes, checkpoints: Iterable[Checkpoint] = ()
) -> BrokenLink | None:
    """Walk the chain in order; return the first entry (or checkpoint) that does not verify."""
    verifier = ChainVerifier(key, checkpoints)
    for entry in entries:
        broken = verifier.feed(entry)
        if broken is not None:
            return broken
    return verifier.finish()
