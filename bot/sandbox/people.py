"""What patients, supporters and clinicians do on their side of Telegram.

Each action changes the sandbox the way Telegram would and queues the update the bot
receives. Actions a Telegram client would not allow (writing while the bot is blocked,
pressing a button that is not there) are refused unless explicitly forced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.sandbox import objects
from bot.sandbox.errors import ControlError, invalid, not_found
from bot.sandbox.formatting import command_entities, utf16_len
from bot.sandbox.state import BotWorld, CallbackQuery, Chat, StoredMessage, User
from bot.sandbox.validation import MAX_TEXT_LENGTH

DEEP_LINK_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")


def create_user(
    world: BotWorld, first_name: str, username: str | None = None, language_code: str = "en"
) -> User:
    if not first_name.strip():
        raise invalid("first_name is empty")
    if username is not None and not USERNAME.fullmatch(username):
        raise invalid(
            "username must be 5-32 letters, digits or underscores, starting with a letter"
        )
    person = User(world.ids.user_id(), first_name, username, language_code)
    world.users[person.id] = person
    world.chats[person.id] = Chat(id=person.id, kind="private")
    return person


def create_group(world: BotWorld, title: str, member_ids: list[int]) -> Chat:
    """A group with these members; the first one adds the bot (a my_chat_member update)."""
    if not title.strip():
        raise invalid("title is empty")
    if not member_ids:
        raise invalid("a group needs at least one member (the one who adds the bot)")
    members = [user_of(world, member_id) for member_id in member_ids]
    group = Chat(id=world.ids.group_id(), kind="group", title=title, member_ids=list(member_ids))
    world.chats[group.id] = group
    body = objects.my_chat_member(world, group, members[0], "left", "member", world.now())
    world.add_update("my_chat_member", body)
    return group


def user_of(world: BotWorld, user_id: int) -> User:
    person = world.users.get(user_id)
    if person is None:
        raise not_found(f"user {user_id}")
    return person


@dataclass(frozen=True)
class Sent:
    """A user's message: the update the bot receives and the message's id in its chat."""

    update_id: int
    message_id: int


def start_bot(world: BotWorld, user_id: int, payload: str | None = None) -> Sent:
    """The user presses Start (``/start``), or opens a deep link (``/start <payload>``)."""
    if payload is not None and not DEEP_LINK_PAYLOAD.fullmatch(payload):
        raise invalid("a deep-link payload is 1-64 characters of A-Z, a-z, 0-9, _ and -")
    text = "/start" if payload is None else f"/start {payload}"
    return send_text(world, user_id, text)


def send_text(world: BotWorld, user_id: int, text: str, chat_id: int | None = None) -> Sent:
    person = user_of(world, user_id)
    room = _room_of(world, person, chat_id)
    if not text.strip():
        raise invalid("text is empty")
    if utf16_len(text) > MAX_TEXT_LENGTH:
        raise invalid("text is longer than 4096 characters")
    if not room.is_group:
        person.started = True
    stored = StoredMessage(
        message_id=room.new_message_id(),
        chat_id=room.id,
        sender_id=person.id,
        from_bot=False,
        date=world.now(),
        text=text,
        entities=command_entities(text),
    )
    room.messages[stored.message_id] = stored
    update_id = world.add_update("message", objects.message(world, stored))
    return Sent(update_id, stored.message_id)


def press_button(
    world: BotWorld,
    user_id: int,
    message_id: int,
    data: str,
    *,
    chat_id: int | None = None,
    force: bool = False,
) -> CallbackQuery:
    """The user presses an inline button; ``force`` sends data the message does not offer."""
    person = user_of(world, user_id)
    room = _room_of(world, person, chat_id)
    stored = room.messages.get(message_id)
    if stored is None or stored.deleted or not stored.from_bot:
        raise not_found(f"bot message {message_id} in that chat")
    if not force and data not in stored.callback_data():
        raise invalid(
            f"message {message_id} has no button with that callback data "
            "(pass force=true to send forged data)"
        )
    number = world.ids.callback_number()
    query = CallbackQuery(
        id=str(world.bot_id * 1_000_000 + number),
        user_id=person.id,
        chat_id=room.id,
        message_id=message_id,
        data=data,
        pressed_at=world.now(),
    )
    body = {
        "id": query.id,
        "from": objects.user(person),
        "message": objects.message(world, stored),
        "chat_instance": objects.chat_instance(world, room.id),
        "data": data,
    }
    query.update_id = world.add_update("callback_query", body)
    world.callbacks[query.id] = query
    return query


def block(world: BotWorld, user_id: int) -> int:
    """The user blocks the bot: a my_chat_member update, member → kicked."""
    person = user_of(world, user_id)
    if person.blocked:
        raise ControlError(409, "the user has already blocked the bot")
    person.blocked = True
    return _membership_update(world, person, "member", "kicked")


def unblock(world: BotWorld, user_id: int) -> int:
    """The user unblocks the bot: a my_chat_member update, kicked → member."""
    person = user_of(world, user_id)
    if not person.blocked:
        raise ControlError(409, "the user has not blocked the bot")
    person.blocked = False
    return _membership_update(world, person, "kicked", "member")


def _membership_update(world: BotWorld, person: User, old: str, new: str) -> int:
    room = world.chats[person.id]
    body = objects.my_chat_member(world, room, person, old, new, world.now())
    return world.add_update("my_chat_member", body)


def _room_of(world: BotWorld, person: User, chat_id: int | None) -> Chat:
    room = world.chats.get(person.id if chat_id is None else chat_id)
    if room is None:
        raise not_found(f"chat {chat_id}")
    if room.is_group and person.id not in room.member_ids:
        raise ControlError(403, "the user is not a member of that group")
    if not room.is_group and room.id != person.id:
        raise ControlError(403, "a user can only write in their own private chat with the bot")
    if not room.is_group and person.blocked:
        raise ControlError(409, "the user has blocked the bot; unblock it first")
    return room
