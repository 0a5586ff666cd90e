"""What the sandbox client returns: users, bot messages, buttons, callback answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


@dataclass(frozen=True)
class SandboxUser:
    id: int
    chat_id: int
    first_name: str
    username: str | None
    language_code: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SandboxUser:
        return cls(
            id=data["id"],
            chat_id=data["chat_id"],
            first_name=data["first_name"],
            username=data.get("username"),
            language_code=data.get("language_code", "en"),
        )


@dataclass(frozen=True)
class Button:
    """An inline button: a label and either callback data or a URL (or another action)."""

    text: str
    callback_data: str | None = None
    url: str | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Button:
        return cls(text=data["text"], callback_data=data.get("callback_data"), url=data.get("url"))


def _rows(rows: list[list[dict[str, Any]]]) -> list[list[Button]]:
    return [[Button.from_json(button) for button in row] for row in rows]


@dataclass(frozen=True)
class Attachment:
    """A photo or document the bot sent; fetch its bytes with ``SandboxClient.file_bytes``."""

    file_id: str
    kind: str
    file_name: str
    mime_type: str
    size: int
    width: int = 0
    height: int = 0

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Attachment | None:
        if data is None:
            return None
        return cls(**data)


@dataclass(frozen=True)
class MessageVersion:
    """An earlier state of an edited message."""

    text: str | None
    source_text: str | None
    parse_mode: str | None
    buttons: list[list[Button]]
    date: datetime


@dataclass(frozen=True)
class BotMessage:
    """A message in a chat as the sandbox saw it (normally one the bot sent).

    ``text`` is what the person sees (markup rendered; the caption for a photo or
    document); ``source_text`` is what the bot sent, with its ``parse_mode``.
    ``edits`` lists earlier texts, oldest first; ``versions`` has the full earlier states.
    """

    message_id: int
    chat_id: int
    text: str | None
    date: datetime
    source_text: str | None = None
    parse_mode: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    buttons: list[list[Button]] = field(default_factory=list)
    reply_keyboard: list[list[str]] | None = None
    reply_keyboard_options: dict[str, Any] = field(default_factory=dict)
    remove_keyboard: bool = False
    force_reply: bool = False
    protect_content: bool = False
    disable_notification: bool = False
    reply_to_message_id: int | None = None
    photo: Attachment | None = None
    document: Attachment | None = None
    edits: list[str | None] = field(default_factory=list)
    versions: list[MessageVersion] = field(default_factory=list)
    edit_date: datetime | None = None
    deleted: bool = False
    from_bot: bool = True
    sender_id: int = 0

    @property
    def caption(self) -> str | None:
        return self.text if self.photo or self.document else None

    @property
    def button_texts(self) -> list[str]:
        return [button.text for row in self.buttons for button in row]

    @property
    def callback_data(self) -> list[str]:
        return [b.callback_data for row in self.buttons for b in row if b.callback_data]

    def button(self, text: str) -> Button:
        """The inline button with this label."""
        for row in self.buttons:
            for button in row:
                if button.text == text:
                    return button
        raise LookupError(f"no button labelled {text!r}; labels: {self.button_texts}")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BotMessage:
        keyboard = data.get("reply_keyboard")
        versions = [
            MessageVersion(
                text=v["text"],
                source_text=v["source_text"],
                parse_mode=v["parse_mode"],
                buttons=_rows(v["buttons"]),
                date=_moment(v["date"]),
            )
            for v in data.get("versions", [])
        ]
        return cls(
            message_id=data["message_id"],
            chat_id=data["chat_id"],
            text=data.get("text"),
            date=_moment(data["sent_at"]),
            source_text=data.get("source_text"),
            parse_mode=data.get("parse_mode"),
            entities=data.get("entities", []),
            buttons=_rows(data.get("buttons", [])),
            reply_keyboard=(
                [[b["text"] for b in row] for row in keyboard["keyboard"]] if keyboard else None
            ),
            reply_keyboard_options=(
                {k: v for k, v in keyboard.items() if k != "keyboard"} if keyboard else {}
            ),
            remove_keyboard=data.get("remove_keyboard", False),
            force_reply=data.get("force_reply", False),
            protect_content=data.get("protect_content", False),
            disable_notification=data.get("disable_notification", False),
            reply_to_message_id=data.get("reply_to_message_id"),
            photo=Attachment.from_json(data.get("photo")),
            document=Attachment.from_json(data.get("document")),
            edits=[v.text for v in versions],
            versions=versions,
            edit_date=_moment(data["edit_date"]) if data.get("edit_date") else None,
            deleted=data.get("deleted", False),
            from_bot=data.get("from_bot", True),
            sender_id=data.get("sender_id", 0),
        )


@dataclass(frozen=True)
class CallbackAnswer:
    """A button press and how the bot answered it (``answered`` False: not yet)."""

    callback_query_id: str
    update_id: int
    user_id: int
    chat_id: int
    message_id: int
    data: str
    answered: bool
    text: str | None
    show_alert: bool
    url: str | None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CallbackAnswer:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})
