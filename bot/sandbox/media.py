"""Just enough image sniffing to give a photo its width and height, as Telegram does."""

from __future__ import annotations

import struct

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_FRAME_MARKERS = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB})


class NotAnImage(ValueError):
    """Bytes Telegram could not process as a photo (IMAGE_PROCESS_FAILED)."""


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, JPEG, GIF or WebP image."""
    if data.startswith(PNG_SIGNATURE) and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return 0, 0
    raise NotAnImage("not a PNG, JPEG, GIF or WebP image")


def _jpeg_size(data: bytes) -> tuple[int, int]:
    i = 2
    while i + 9 <= len(data):
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        if marker in JPEG_FRAME_MARKERS:
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return int(width), int(height)
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        i += 2 + length
    raise NotAnImage("JPEG without a frame header")
