"""Bot API request parameters, read the way Telegram reads them.

A call may arrive as a query string, a JSON body, a form-encoded body or a multipart body.
In JSON bodies values are typed; everywhere else they are strings, and nested objects
(``reply_markup``, ``reply_parameters``, ``commands``) are JSON text. The accessors below
coerce either form, and answer malformed values with Telegram's 400 errors.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from multidict import MultiMapping

from bot.sandbox.errors import ApiError

TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
FALSE_WORDS = frozenset({"false", "0", "no", "off", ""})


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    data: bytes


class Params:
    """The parameters of one Bot API call, with Telegram's coercions."""

    def __init__(self, values: Mapping[str, Any], uploads: Mapping[str, Upload]) -> None:
        self._values = dict(values)
        self._uploads = dict(uploads)

    def has(self, name: str) -> bool:
        return self._values.get(name) not in (None, "")

    def raw(self, name: str) -> Any:
        return self._values.get(name)

    def text(self, name: str) -> str | None:
        value = self._values.get(name)
        if value is None:
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (dict, list)):
            return json.dumps(value)
        return str(value)

    def integer(self, name: str) -> int | None:
        value = self._values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        try:
            return int(str(value).strip())
        except ValueError:
            try:
                number = float(str(value).strip())
            except ValueError:
                raise ApiError.bad_request(f"invalid {name} specified") from None
            return int(number)

    def number(self, name: str) -> float | None:
        value = self._values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, (int, float)):
            return float(value)
        try:
            return float(str(value).strip())
        except ValueError:
            raise ApiError.bad_request(f"invalid {name} specified") from None

    def boolean(self, name: str, default: bool = False) -> bool:
        value = self._values.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)):
            return value != 0
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ApiError.bad_request(f"invalid {name} specified")

    def json(self, name: str) -> Any:
        """A nested object: as sent in a JSON body, or decoded from JSON text."""
        value = self._values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, (dict, list)):
            return value
        try:
            return json.loads(str(value))
        except ValueError:
            raise ApiError.bad_request(f"can't parse {name} JSON object") from None

    def upload(self, name: str) -> Upload | None:
        """The uploaded file for a parameter: a part named after it, or ``attach://<part>``."""
        if name in self._uploads:
            return self._uploads[name]
        value = self._values.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            part = value.removeprefix("attach://")
            if part not in self._uploads:
                raise ApiError.bad_request(f"file {part} not found in the request")
            return self._uploads[part]
        return None

    def chat_id(self) -> int | None:
        """The target chat as a number, or None when absent (a username cannot be resolved)."""
        value = self._values.get("chat_id")
        if value is None or value == "":
            return None
        try:
            return self.integer("chat_id")
        except ApiError:
            raise ApiError.bad_request("chat not found") from None

    def peek_chat_id(self) -> int | None:
        """The chat id if it is a readable number, without raising (used to match faults)."""
        try:
            return self.chat_id()
        except ApiError:
            return None


async def read_params(request: web.Request) -> Params:
    """Collect query-string and body parameters of a Bot API call."""
    values: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if request.method == "POST" and request.can_read_body:
        content_type = request.content_type
        if content_type == "application/json":
            raw = await request.read()
            if raw.strip():
                try:
                    body = json.loads(raw)
                except ValueError:
                    raise ApiError.bad_request("can't parse JSON") from None
                if not isinstance(body, dict):
                    raise ApiError.bad_request("can't parse JSON")
                values.update(body)
        elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            values.update(_form_values(form, uploads))
        else:
            await request.read()
    return Params(values, uploads)


def _form_values(form: MultiMapping[Any], uploads: dict[str, Upload]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in form.items():
        if isinstance(value, web.FileField):
            uploads[name] = Upload(
                filename=value.filename or name,
                content_type=value.content_type or "application/octet-stream",
                data=value.file.read(),
            )
        else:
            values[name] = value
    return values
