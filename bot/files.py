"""Reading a file someone named (a plan, a checkpoint list, the key file), with a bound.

Every path a person or a setting gives goes through :func:`read_text_file`: only a regular
file is read (a directory, device, FIFO or socket is refused before a byte is read, and a
FIFO never blocks the open), and at most ``limit + 1`` bytes are ever read, so
``/dev/zero`` or a huge file is refused at once instead of filling memory.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from bot.domain.errors import InvalidInput

# O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


class FileRefused(InvalidInput):
    """The file is missing, not a regular file, too large or not UTF-8; the message says."""


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def describe_limit(limit: int) -> str:
    """``400000`` → ``"400,000 bytes (391 KiB)"``: a limit as a person reads it."""
    if limit < 1024:
        return f"{limit:,} bytes"
    return f"{limit:,} bytes ({limit / 1024:,.0f} KiB)"


def read_text_file(path: str | Path, *, limit: int, what: str) -> str:
    """The UTF-8 text of the regular file at ``path``, at most ``limit`` bytes of it.

    ``what`` names the file for messages ("the plan's YAML file"). Raises
    :class:`FileRefused` with a message naming the file and, when too large, the limit.
    """
    name = str(path)
    try:
        fd = os.open(name, _OPEN_FLAGS)
    except FileNotFoundError:
        raise FileRefused(f"{name}: no such file") from None
    except IsADirectoryError:
        raise FileRefused(f"{name} is a directory; give {what}") from None
    except PermissionError:
        raise FileRefused(f"{name}: permission denied (cannot read it)") from None
    except OSError as exc:
        raise FileRefused(f"{name}: cannot open it ({exc.strerror or exc})") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise FileRefused(f"{name} is {_kind(mode)}, not a regular file; give {what}")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise FileRefused(f"{name}: cannot read it ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise FileRefused(
            f"{name} is larger than {describe_limit(limit)}, the most allowed for {what}; "
            "nothing was used from it"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise FileRefused(f"{name} is not UTF-8 text; save it as UTF-8 and try again") from None
