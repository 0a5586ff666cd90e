"""Where master keys live: a JSON key file (mode 0600) or the environment.

The key file is created only when the caller says the database holds no encrypted
data yet; a missing key file in front of existing data is an error, never a silent new
key that would make every stored value unreadable.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
import stat
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.store.crypto import KEY_BYTES, KeyRing, generate_key

FORMAT = "relapse-companion-keys/1"


class KeyFileError(Exception):
    """The key file or key settings are unusable; the message says how to fix it."""


def new_master_key_id(now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d")
    return f"mk-{stamp}-{secrets.token_hex(3)}"


def _b64(key: bytes) -> str:
    return base64.b64encode(key).decode()


def _unb64(text: str, what: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise KeyFileError(f"{what} is not valid base64") from None
    if len(key) != KEY_BYTES:
        raise KeyFileError(f"{what} must decode to {KEY_BYTES} bytes, got {len(key)}")
    return key


@dataclass
class KeyFile:
    """The parsed key file; ``save`` writes it atomically with mode 0600."""

    path: Path
    active: str
    master_keys: dict[str, bytes]
    index_key: bytes
    retired: dict[str, str]

    def ring(self) -> KeyRing:
        return KeyRing(
            master_keys=dict(self.master_keys),
            active_id=self.active,
            index_key=self.index_key,
            retired=frozenset(self.retired),
        )

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "warning": "Back this file up somewhere safe and separate from the database. "
                "Without it the stored data cannot be read.",
                "active_master_key": self.active,
                "master_keys": {k: _b64(v) for k, v in self.master_keys.items()},
                "retired_master_keys": self.retired,
                "index_key": _b64(self.index_key),
            },
            indent=2,
        )

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".keys-", dir=self.path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(self.to_json())
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def add_master_key(self) -> str:
        """Add a new master key and make it active (rotation step one)."""
        key_id = new_master_key_id()
        while key_id in self.master_keys:
            key_id = new_master_key_id()
        self.master_keys[key_id] = generate_key()
        self.active = key_id
        return key_id

    def retire(self, key_id: str) -> None:
        """Forget a master key's material once no data key is wrapped by it."""
        if key_id == self.active:
            raise KeyFileError("the active master key cannot be retired")
        self.master_keys.pop(key_id, None)
        self.retired[key_id] = datetime.now(UTC).isoformat(timespec="seconds")


def create_key_file(path: Path) -> KeyFile:
    if path.exists():
        raise KeyFileError(f"key file {path} already exists; refusing to overwrite it")
    key_id = new_master_key_id()
    key_file = KeyFile(path, key_id, {key_id: generate_key()}, generate_key(), {})
    key_file.save()
    return key_file


def read_key_file(path: Path) -> KeyFile:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise KeyFileError(f"key file {path} not found") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileError(
            f"key file {path} is readable by other users (mode {oct(mode & 0o777)}); "
            f"run: chmod 600 {path}"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise KeyFileError(f"key file {path} cannot be read as JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise KeyFileError(f"key file {path} is not a Relapse Companion key file ({FORMAT})")
    try:
        masters = {
            str(k): _unb64(str(v), f"master key {k!r} in {path}")
            for k, v in dict(data["master_keys"]).items()
        }
        key_file = KeyFile(
            path=path,
            active=str(data["active_master_key"]),
            master_keys=masters,
            index_key=_unb64(str(data["index_key"]), f"index_key in {path}"),
            retired={str(k): str(v) for k, v in dict(data.get("retired_master_keys", {})).items()},
        )
    except KeyError as exc:
        raise KeyFileError(f"key file {path} lacks {exc.args[0]!r}") from None
    if key_file.active not in key_file.master_keys:
        raise KeyFileError(f"key file {path}: active key {key_file.active!r} is not among its keys")
    return key_file


def ring_from_environment(master_keys: str, index_key: str) -> KeyRing:
    """Parse ``id:base64[,id:base64...]`` (first active) and a base64 index key."""
    keys: dict[str, bytes] = {}
    order: list[str] = []
    for part in (p.strip() for p in master_keys.split(",")):
        if not part:
            continue
        key_id, sep, encoded = part.partition(":")
        if not sep or not key_id:
            raise KeyFileError("COMPANION_MASTER_KEYS: each entry must be id:base64key")
        keys[key_id] = _unb64(encoded, f"COMPANION_MASTER_KEYS entry {key_id!r}")
        order.append(key_id)
    if not order:
        raise KeyFileError("COMPANION_MASTER_KEYS is empty")
    return KeyRing(keys, order[0], _unb64(index_key, "COMPANION_INDEX_KEY"))
