"""Each Bot API method, called through python-telegram-bot's own Bot and HTTP client."""

from __future__ import annotations

import struct
import zlib

import aiohttp
import pytest
import telegram
from telegram import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
)
from telegram.constants import ParseMode

from bot.sandbox.models import SandboxUser
from bot.sandbox.testing import Sandbox


def tiny_png(width: int = 3, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x00\x80\xff" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d)] for t, d in pairs])


async def test_get_me_describes_the_bot_named_by_the_token(bot: telegram.Bot) -> None:
    me = await bot.get_me()
    assert me.id == int(bot.token.split(":")[0])
    assert me.is_bot is True
    assert me.first_name == "Relapse Companion"
    assert me.username == "companion_sandbox_bot"


async def test_each_token_is_its_own_bot(sandbox: Sandbox) -> None:
    async with sandbox.bot("424242:another-fictional-token-xyz") as other:
        me = await other.get_me()
    assert me.id == 424242
    assert me.username != "companion_sandbox_bot"


async def test_send_message_returns_telegrams_message(
    bot: telegram.Bot, patient: SandboxUser
) -> None:
    sent = await bot.send_message(patient.chat_id, "Hello Robin")
    assert sent.text == "Hello Robin"
    assert sent.chat.id == patient.chat_id
    assert sent.chat.type == "private"
    assert sent.from_user is not None and sent.from_user.id == bot.id
    assert sent.message_id > 0
    assert sent.date is not None


async def test_a_parse_mode_becomes_entities_and_the_text_the_patient_sees(
    bot: telegram.Bot, sandbox: Sandbox, patient: SandboxUser
) -> None:
    sent = await bot.send_message(
        patient.chat_id, "<b>Breathe</b> slowly", parse_mode=ParseMode.HTML
    )
    assert sent.text == "Breathe slowly"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [("bold", 0, 7)]
    [seen] = await sandbox.client.messages(patient.chat_id)
    assert (seen.text, seen.source_text, seen.parse_mode) == (
        "Breathe slowly",
        "<b>Breathe</b> slowly",
        "HTML",
    )


async def test_an_inline_keyboard_comes_back_on_the_message_and_is_recorded(
    bot: telegram.Bot, sandbox: Sandbox, patient: SandboxUser
) -> None:
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Yes", callback_data="c:1:yes")],
            [InlineKeyboardButton("Read more", url="https://example.org/plan")],
        ]
    )
    sent = await bot.send_message(patient.chat_id, "Ready?", reply_markup=markup)
    assert sent.reply_markup == markup
    [seen] = await sandbox.client.messages(patient.chat_id)
    assert seen.button("Yes").callback_data == "c:1:yes"
    assert seen.button("Read more").url == "https://example.org/plan"


async def test_a_reply_keyboard_and_its_removal_are_recorded(
    bot: telegram.Bot, sandbox: Sandbox, patient: SandboxUser
) -> None:
    reply_keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton("0"), KeyboardButton("5")], ["10"]], one_time_keyboard=True
    )
    sent = await bot.send_message(patient.chat_id, "How strong?", reply_markup=reply_keyboard)
    assert sent.reply_markup is None  # Telegram only echoes inline keyboards
    await bot.send_message(patient.chat_id, "Thanks", reply_markup=ReplyKeyboardRemove())
    asked, thanked = await sandbox.client.messages(patient.chat_id)
    assert asked.reply_keyboard == [["0", "5"], ["10"]]
    assert asked.reply_keyboard_options == {"one_time_keyboard": True}
    assert thanked.remove_keyboard is True


async def test_protect_content_and_silent_delivery_are_kept(
    bot: telegram.Bot, sandbox: Sandbox, patient: SandboxUser
) -> None:
    sent = await bot.send_message(
        patient.chat_id, "Your plan", protect_content=True, disable_notification=True
    )
    assert sent.has_protected_content is True
    [seen] = await sandbox.client.messages(patient.chat_id)
    assert seen.protect_content is True and seen.disable_notification is True


async def test_a_reply_points_at_the_message_it_answers(
    bot: telegram.Bot, patient: SandboxUser
) -> None:
    first = await bot.send_message(patient.chat_id, "Question")
    answer = await bot.send_message(
        patient.chat_id, "Follow-up", reply_parameters=ReplyParameters(first.message_id)
    )
    assert answer.reply_to_message is not None
    assert answer.reply_to_message.message_id == first.message_id


async def test_editing_a_message_keeps_its_history(
    bot: telegram.Bot, sandbox: Sandbox, patient: SandboxUser
) -> None:
    sent = await bot.send_message(patient.chat_id, "Step 1", reply_markup=keyboard(("Next", "n")))
    edited = await bot.edit_message_text("Step 2", patient.chat_id, sent.message_id)
    assert isinstance(edited, telegram.Message)
    assert edited.text == "Step 2" and edited.edit_date is not None
    [seen] = await sandbox.client.messages(patient.chat_id)
    assert seen.text == "Step 2"
    assert seen.edits == ["Step 1"]
    assert seen.buttons == []  # an edit without reply_markup removes the inline keyboard
    assert seen.versions[0].buttons[0][0].callback_data == "n"


async def test_editing_only_the_keyboard_keeps_the_text(
    bot: telegram.Bot, sandbox: Sandbox, patient: SandboxUser
) -> None:
    sent = await bot.send_message(patient.chat_id, "Pick", reply_markup=keyboard(("A", "a")))
    await bot.edit_message_reply_markup(
        patient.chat_id, sent.message_id, reply_markup=keyboard(("B", "b"))
    )
    [seen] = await sandbox.client.messages(patient.chat_id)
    assert seen.text == "Pick"
    assert seen.callback_data == ["b"]
    assert seen.versions[0].buttons[0][0].text == "A"


async def test_a_deleted_message_is_flagged_not_forgotten(
    bot: telegram.Bot, sandbox: Sandbox, patient: SandboxUser
) -> None:
    sent = await bot.send_message(patient.chat_id, "Temporary")
    assert await bot.delete_message(patient.chat_id, sent.message_id) is True
    [seen] = await sandbox.client.messages(patient.chat_id)
    assert seen.deleted is True and seen.text == "Temporary"


async def test_answering_a_button_press_is_recorded(
    bot: telegram.Bot, sandbox: Sandbox, patient: SandboxUser
) -> None:
    sent = await bot.send_message(patient.chat_id, "Okay?", reply_markup=keyboard(("Yes", "y")))
    update_id = await sandbox.client.press_button(patient.id, sent.message_id, "y")
    updates = await bot.get_updates()
    [query] = [u.callback_query for u in updates if u.update_id == update_id]
    assert query is not None
    assert await bot.answer_callback_query(query.id, text="Noted", show_alert=True) is True
    [answer] = await sandbox.client.callback_answers(update_id=update_id)
    assert (answer.answered, answer.text, answer.show_alert) == (True, "Noted", True)


async def test_a_photo_upload_keeps_its_bytes_and_size(
    bot: telegram.Bot, sandbox: Sandbox, patient: SandboxUser
) -> None:
    image = tiny_png(3, 2)
    sent = await bot.send_photo(patient.chat_id, image, caption="Your week", filename="week.png")
    assert (sent.photo[-1].width, sent.photo[-1].height) == (3, 2)
    assert sent.caption == "Your week"
    [seen] = await sandbox.client.messages(patient.chat_id)
    assert seen.photo is not None and seen.caption == "Your week"
    assert seen.photo.file_name == "week.png"
    assert await sandbox.client.file_bytes(seen.photo.file_id) == image


async def test_a_document_upload_keeps_its_bytes_and_name_and_can_be_sent_again(
    bot: telegram.Bot, sandbox: Sandbox, patient: SandboxUser
) -> None:
    content = b"%PDF-1.4 fictional plan"
    sent = await bot.send_document(patient.chat_id, content, filename="plan.pdf")
    assert sent.document is not None and sent.document.file_name == "plan.pdf"
    again = await bot.send_document(patient.chat_id, sent.document.file_id)
    assert again.document is not None and again.document.file_id == sent.document.file_id
    first, _ = await sandbox.client.messages(patient.chat_id)
    assert first.document is not None and first.document.mime_type == "application/pdf"
    assert await sandbox.client.file_bytes(first.document.file_id) == content


async def test_bytes_that_are_not_an_image_cannot_be_a_photo(
    bot: telegram.Bot, patient: SandboxUser
) -> None:
    with pytest.raises(telegram.error.BadRequest, match="Image_process_failed"):
        await bot.send_photo(patient.chat_id, b"not an image at all", filename="x.png")


async def test_commands_are_kept_per_scope(bot: telegram.Bot) -> None:
    commands = [BotCommand("plan", "Show my plan"), BotCommand("sos", "I need help now")]
    scope = BotCommandScopeAllPrivateChats()
    assert await bot.set_my_commands(commands, scope=scope) is True
    assert await bot.get_my_commands(scope=scope) == tuple(commands)
    assert await bot.get_my_commands() == ()


async def test_chat_actions_close_and_log_out_are_harmless(
    bot: telegram.Bot, patient: SandboxUser
) -> None:
    assert await bot.send_chat_action(patient.chat_id, "typing") is True
    assert await bot.close() is True
    assert await bot.log_out() is True


@pytest.mark.parametrize("encoding", ["json", "form", "query"])
async def test_every_request_encoding_is_understood(
    sandbox: Sandbox, patient: SandboxUser, encoding: str
) -> None:
    url = f"{sandbox.bot_api_url}{sandbox.token}/sendMessage"
    typed = {"chat_id": patient.chat_id, "text": "Hi", "protect_content": True}
    strings = {"chat_id": str(patient.chat_id), "text": "Hi", "protect_content": "true"}
    async with aiohttp.ClientSession() as session:
        if encoding == "json":
            request = session.post(url, json=typed)
        elif encoding == "form":
            request = session.post(url, data=strings)
        else:
            request = session.get(url, params=strings)
        async with request as response:
            body = await response.json()
    assert body["ok"] is True
    assert body["result"]["text"] == "Hi"
    assert body["result"]["has_protected_content"] is True


async def test_an_unknown_method_is_not_found(sandbox: Sandbox, bot: telegram.Bot) -> None:
    url = f"{sandbox.bot_api_url}{sandbox.token}/sendTelepathy"
    async with aiohttp.ClientSession() as session, session.post(url) as response:
        status, answer = response.status, await response.json()
    assert (status, answer) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    with pytest.raises(telegram.error.EndPointNotFound):
        await bot.do_api_request("sendTelepathy")


async def test_a_malformed_token_is_not_found(sandbox: Sandbox) -> None:
    with pytest.raises(telegram.error.InvalidToken):
        async with sandbox.bot("12345:short"):
            pass
