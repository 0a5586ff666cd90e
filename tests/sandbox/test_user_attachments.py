"""What users send besides text, and edits, arrive as Telegram's own objects: the
python-telegram-bot client reads each kind, its caption, and an ``edited_message``."""

from __future__ import annotations

import pytest
import telegram

from bot.sandbox.client import SandboxError
from bot.sandbox.testing import Sandbox


async def only_update(bot: telegram.Bot) -> telegram.Update:
    [update] = await bot.get_updates()
    await bot.get_updates(offset=update.update_id + 1)
    return update


@pytest.mark.parametrize(
    ("kind", "read"),
    [
        ("photo", lambda m: m.photo[0].width),
        ("video", lambda m: m.video.duration),
        ("document", lambda m: m.document.file_name),
        ("animation", lambda m: m.animation.file_id),
        ("audio", lambda m: m.audio.mime_type),
        ("voice", lambda m: m.voice.mime_type),
        ("video_note", lambda m: m.video_note.length),
        ("sticker", lambda m: m.sticker.emoji),
        ("location", lambda m: m.location.latitude),
        ("contact", lambda m: m.contact.phone_number),
    ],
)
async def test_each_kind_arrives_as_telegrams_object(
    sandbox: Sandbox, bot: telegram.Bot, kind: str, read: object
) -> None:
    person = await sandbox.client.create_user("Kai")
    update_id = await sandbox.client.send_attachment(person.id, kind)
    update = await only_update(bot)
    assert update.update_id == update_id and update.message is not None
    assert read(update.message)  # type: ignore[operator]
    assert update.message.text is None and update.message.caption is None


async def test_a_caption_travels_as_the_caption(sandbox: Sandbox, bot: telegram.Bot) -> None:
    person = await sandbox.client.create_user("Kai")
    await sandbox.client.send_attachment(person.id, "photo", caption="the harbour at dusk")
    message = (await only_update(bot)).message
    assert message is not None and message.caption == "the harbour at dusk"
    assert message.text is None


async def test_options_shape_the_object(sandbox: Sandbox, bot: telegram.Bot) -> None:
    person = await sandbox.client.create_user("Kai")
    await sandbox.client.send_attachment(person.id, "location", latitude=51.5, longitude=-0.1)
    message = (await only_update(bot)).message
    assert message is not None and message.location is not None
    assert (message.location.latitude, message.location.longitude) == (51.5, -0.1)


@pytest.mark.parametrize(
    ("kind", "extra", "problem"),
    [
        ("hologram", {}, "kind must be one of"),
        ("sticker", {"caption": "hi"}, "has no caption"),
        ("photo", {"caption": "x" * 1025}, "longer than 1024"),
        ("sticker", {"latitude": 1}, "does not take latitude"),
        ("location", {"latitude": 91}, "latitude must be"),
    ],
)
async def test_what_telegram_would_not_send_is_refused(
    sandbox: Sandbox, kind: str, extra: dict[str, object], problem: str
) -> None:
    person = await sandbox.client.create_user("Kai")
    with pytest.raises(SandboxError) as refused:
        await sandbox.client.send_attachment(person.id, kind, **extra)  # type: ignore[arg-type]
    assert refused.value.status == 400 and problem in refused.value.message


async def test_the_users_message_is_kept_with_its_kind(sandbox: Sandbox) -> None:
    person = await sandbox.client.create_user("Kai")
    await sandbox.client.send_attachment(person.id, "voice")
    (sent,) = await sandbox.client.messages(person.chat_id, include_user=True)
    assert sent.attachment == "voice" and not sent.from_bot


async def test_an_edit_is_an_edited_message_update(sandbox: Sandbox, bot: telegram.Bot) -> None:
    person = await sandbox.client.create_user("Kai")
    await sandbox.client.send_text(person.id, "a long day")
    message_id = (await only_update(bot)).message.message_id  # type: ignore[union-attr]
    update_id = await sandbox.client.edit_text(person.id, message_id, "a very long day")
    update = await only_update(bot)
    assert update.update_id == update_id and update.message is None
    edited = update.edited_message
    assert edited is not None and edited.text == "a very long day"
    assert edited.message_id == message_id and edited.edit_date is not None
    (kept,) = await sandbox.client.messages(person.chat_id, include_user=True)
    assert kept.edits == ["a long day"]


async def test_an_edited_caption_stays_a_caption(sandbox: Sandbox, bot: telegram.Bot) -> None:
    person = await sandbox.client.create_user("Kai")
    await sandbox.client.send_attachment(person.id, "document", caption="notes")
    message_id = (await only_update(bot)).message.message_id  # type: ignore[union-attr]
    await sandbox.client.edit_text(person.id, message_id, "my notes")
    edited = (await only_update(bot)).edited_message
    assert edited is not None and edited.caption == "my notes" and edited.document is not None


@pytest.mark.parametrize(
    ("setup", "problem"),
    [
        ("sticker", "has no text or caption"),
        ("bot", "of that user"),
        ("same", "not modified"),
    ],
)
async def test_an_edit_telegram_would_not_allow_is_refused(
    sandbox: Sandbox, bot: telegram.Bot, setup: str, problem: str
) -> None:
    person = await sandbox.client.create_user("Kai")
    if setup == "sticker":
        await sandbox.client.send_attachment(person.id, "sticker")
        message_id = (await only_update(bot)).message.message_id  # type: ignore[union-attr]
    elif setup == "bot":
        await sandbox.client.start_bot(person.id)
        message_id = (await bot.send_message(person.chat_id, "hello")).message_id
    else:
        await sandbox.client.send_text(person.id, "same words")
        message_id = (await only_update(bot)).message.message_id  # type: ignore[union-attr]
    with pytest.raises(SandboxError) as refused:
        await sandbox.client.edit_text(person.id, message_id, "same words")
    assert problem in refused.value.message
