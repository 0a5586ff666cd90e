"""Messages that are not plain text, through the real stack: a caption is read (and
triaged) like text; anything with nothing to read gets a short reply saying where the
plan and /sos are; an edit with crisis language takes the SOS path, any other edit
changes nothing."""

from __future__ import annotations

import pytest

from bot.domain.model import Level
from bot.services import texts
from tests.e2e.conftest import Clinic
from tests.e2e.test_checkins import CUSTOM, answers
from tests.e2e.test_safety_and_plan import escalations

CRISIS = "I want to end it all tonight"


async def test_a_photo_captioned_with_crisis_language_takes_the_sos_path(clinic: Clinic) -> None:
    patient, user = await clinic.onboard()
    await clinic.sandbox.client.send_attachment(user.id, "photo", caption=CRISIS)
    await clinic.settle()
    assert any(t.startswith(texts.CRISIS_TEXT_RESPONSE) for t in await clinic.texts(user))
    assert await escalations(clinic, patient.id) == [("triage_crisis", Level.CRISIS)]


@pytest.mark.parametrize("kind", ["video", "document", "animation", "audio"])
async def test_a_caption_on_any_captioned_kind_is_triaged(clinic: Clinic, kind: str) -> None:
    patient, user = await clinic.onboard()
    await clinic.sandbox.client.send_attachment(user.id, kind, caption=CRISIS)
    await clinic.settle()
    assert await escalations(clinic, patient.id) == [("triage_crisis", Level.CRISIS)]


async def test_an_ordinary_caption_is_read_like_text(clinic: Clinic) -> None:
    patient, user = await clinic.onboard()
    await clinic.sandbox.client.send_attachment(user.id, "photo", caption="my garden today")
    await clinic.settle()
    assert (await clinic.texts(user))[-1] == texts.UNREADABLE  # as the same words typed
    assert await escalations(clinic, patient.id) == []


async def test_a_caption_answers_an_open_checkins_text_question(clinic: Clinic) -> None:
    patient, user = await clinic.onboard(plan=CUSTOM)
    await clinic.say(user, "/checkin")
    for label in ("3", "Done", "No", "Yes", "Work"):
        await clinic.press(user, label)
    await clinic.sandbox.client.send_attachment(user.id, "photo", caption="a quiet evening")
    await clinic.settle()
    assert (await answers(clinic, patient.id))["note"] == "a quiet evening"


@pytest.mark.parametrize(
    ("kind", "reply"),
    [
        ("sticker", texts.CANNOT_READ),
        ("location", texts.CANNOT_READ),
        ("contact", texts.CANNOT_READ),
        ("document", texts.CANNOT_READ),
        ("photo", texts.CANNOT_READ),
        ("voice", texts.CANNOT_LISTEN),
        ("video_note", texts.CANNOT_LISTEN),
    ],
)
async def test_a_message_with_nothing_to_read_gets_a_short_reply(
    clinic: Clinic, kind: str, reply: str
) -> None:
    patient, user = await clinic.onboard()
    await clinic.sandbox.client.send_attachment(user.id, kind)
    await clinic.settle()
    last = await clinic.last(user)
    assert last.text == reply and last.protect_content
    assert await escalations(clinic, patient.id) == []


def test_the_replies_point_to_the_plan_and_sos() -> None:
    assert "/plan" in texts.CANNOT_READ and "/sos" in texts.CANNOT_READ
    assert "/sos" in texts.CANNOT_LISTEN and "emergency" in texts.CANNOT_LISTEN


async def test_a_sticker_from_an_unknown_chat_gets_the_neutral_line(clinic: Clinic) -> None:
    stranger = await clinic.sandbox.client.create_user("Rue")
    await clinic.sandbox.client.send_attachment(stranger.id, "sticker")
    await clinic.settle()
    assert await clinic.texts(stranger) == [texts.NOT_ENROLLED]


async def test_an_edit_that_adds_crisis_language_takes_the_sos_path(clinic: Clinic) -> None:
    patient, user = await clinic.onboard()
    await clinic.say(user, "a long day")
    sent = (await clinic.sandbox.client.messages(user.chat_id, include_user=True))[-2]
    assert not sent.from_bot and sent.text == "a long day"
    await clinic.sandbox.client.edit_text(user.id, sent.message_id, CRISIS)
    await clinic.settle()
    assert any(t.startswith(texts.CRISIS_TEXT_RESPONSE) for t in await clinic.texts(user))
    assert await escalations(clinic, patient.id) == [("triage_crisis", Level.CRISIS)]


async def test_an_edited_caption_is_triaged_too(clinic: Clinic) -> None:
    patient, user = await clinic.onboard()
    update = await clinic.sandbox.client.send_attachment(user.id, "photo", caption="the view")
    await clinic.settle()
    (pending,) = [
        m
        for m in await clinic.sandbox.client.messages(user.chat_id, include_user=True)
        if m.attachment == "photo"
    ]
    assert update and pending.text == "the view"
    await clinic.sandbox.client.edit_text(user.id, pending.message_id, CRISIS)
    await clinic.settle()
    assert await escalations(clinic, patient.id) == [("triage_crisis", Level.CRISIS)]


async def test_an_ordinary_edit_gets_no_reply_and_answers_nothing_again(clinic: Clinic) -> None:
    patient, user = await clinic.onboard()
    await clinic.say(user, "/help")
    command = (await clinic.sandbox.client.messages(user.chat_id, include_user=True))[-2]
    before = await clinic.texts(user)
    await clinic.sandbox.client.edit_text(user.id, command.message_id, "/stop")
    await clinic.settle()
    assert await clinic.texts(user) == before  # an edited command is not run
    assert await escalations(clinic, patient.id) == []
