"""Envelope encryption with AES-256-GCM, and HMAC-SHA256 blind indexes.

Key hierarchy:

* master keys (key file or secret store), each with an id; one is active;
* one data key per patient (and one ``system`` data key for non-patient rows),
  stored in ``data_keys`` wrapped by a master key;
* field values encrypted with a data key; the AAD names table, column, row and
  patient, so a ciphertext moved anywhere else fails to decrypt.

Blind indexes use a separate key so equality lookups (chat ids, invite codes) never
need the plaintext and reveal nothing without that key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT_V1 = b"\x01"
NONCE_BYTES = 12
KEY_BYTES = 32
SYSTEM_KEY_ID = "system"


class KeyProblem(Exception):
    """Base for key problems; the message says what to do."""


class UnknownMasterKey(KeyProblem):
    """A wrapped data key names a master key the key ring does not hold."""


class WrongKey(KeyProblem):
    """A key is present but does not open what it should (wrong key file)."""


class DataKeyDestroyed(KeyProblem):
    """The data key was destroyed (patient erased): the data is gone for good."""


class DecryptionFailed(Exception):
    """A ciphertext failed authentication: tampered, moved, or under another key."""


def field_aad(table: str, column: str, row_id: str, patient_id: str | None) -> bytes:
    """The associated data that binds a ciphertext to exactly one place."""
    return f"v1|{table}|{column}|{row_id}|{patient_id or '-'}".encode()


def _wrap_aad(data_key_id: str, master_key_id: str) -> bytes:
    return f"v1|data_key|{data_key_id}|{master_key_id}".encode()


@dataclass(frozen=True)
class KeyRing:
    """Master keys by id (one active) and the blind-index key."""

    master_keys: dict[str, bytes]
    active_id: str
    index_key: bytes
    retired: frozenset[str] = field(default_factory=frozenset)
    _ciphers: dict[str, AESGCM] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.active_id not in self.master_keys:
            raise UnknownMasterKey(f"active master key {self.active_id!r} is not in the key ring")
        for key_id, key in self.master_keys.items():
            if len(key) != KEY_BYTES:
                raise WrongKey(f"master key {key_id!r} must be {KEY_BYTES} bytes, got {len(key)}")
        if len(self.index_key) != KEY_BYTES:
            raise WrongKey(f"index key must be {KEY_BYTES} bytes, got {len(self.index_key)}")

    def master(self, key_id: str) -> AESGCM:
        cached = self._ciphers.get(key_id)
        if cached is not None:
            return cached
        try:
            cipher = self._ciphers[key_id] = AESGCM(self.master_keys[key_id])
            return cipher
        except KeyError:
            raise UnknownMasterKey(
                f"data is wrapped by master key {key_id!r}, which is not in the key file "
                "or COMPANION_MASTER_KEYS; restore the key from your backup"
            ) from None


@dataclass(frozen=True)
class WrappedKey:
    """A data key as stored: which master key wrapped it, and nonce+ciphertext."""

    id: str
    master_key_id: str
    wrapped: bytes


def generate_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def wrap_data_key(
    ring: KeyRing, data_key_id: str, key: bytes, master_key_id: str | None = None
) -> WrappedKey:
    """Wrap under ``master_key_id`` (default: the ring's active key)."""
    master_id = master_key_id or ring.active_id
    nonce = os.urandom(NONCE_BYTES)
    aad = _wrap_aad(data_key_id, master_id)
    sealed = ring.master(master_id).encrypt(nonce, key, aad)
    return WrappedKey(data_key_id, master_id, nonce + sealed)


def unwrap_data_key(ring: KeyRing, wrapped: WrappedKey) -> bytes:
    master = ring.master(wrapped.master_key_id)
    nonce, sealed = wrapped.wrapped[:NONCE_BYTES], wrapped.wrapped[NONCE_BYTES:]
    try:
        return master.decrypt(nonce, sealed, _wrap_aad(wrapped.id, wrapped.master_key_id))
    except InvalidTag:
        raise WrongKey(
            f"master key {wrapped.master_key_id!r} does not open data key {wrapped.id!r}: "
            "the key file does not belong to this database"
        ) from None


def rewrap_data_key(ring: KeyRing, wrapped: WrappedKey) -> WrappedKey:
    """Re-wrap under the active master key; field ciphertexts stay as they are."""
    return wrap_data_key(ring, wrapped.id, unwrap_data_key(ring, wrapped))


def encrypt(key: AESGCM, aad: bytes, plaintext: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return FORMAT_V1 + nonce + key.encrypt(nonce, plaintext, aad)


def decrypt(key: AESGCM, aad: bytes, blob: bytes) -> bytes:
    if not blob or blob[:1] != FORMAT_V1 or len(blob) < 1 + NONCE_BYTES + 16:
        raise DecryptionFailed("not a v1 ciphertext")
    nonce, sealed = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
    try:
        return key.decrypt(nonce, sealed, aad)
    except InvalidTag:
        raise DecryptionFailed("ciphertext failed authentication") from None


def blind_index(index_key: bytes, purpose: str, value: str, *, exact: bool = False) -> str:
    """HMAC-SHA256 of a normalised value, separated by purpose; hex.

    Values are compared ignoring case and spacing, except ``exact`` ones (secret codes,
    whose mixed case is part of their strength).
    """
    normalised = value if exact else " ".join(value.split()).casefold()
    message = f"{purpose}\x00{normalised}".encode()
    return hmac.new(index_key, message, hashlib.sha256).hexdigest()


INDEX_CHECK_PURPOSE = "index-key-check"


def index_key_check(index_key: bytes) -> str:
    """A value stored once so a different index key is noticed at start."""
    return blind_index(index_key, INDEX_CHECK_PURPOSE, "relapse-companion")
