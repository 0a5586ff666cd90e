"""Every patient command answers something sensible in every state, end to end.

State × command, through the real handlers: a patient in care (active, paused), one whose
care ended (discharged) or who left (/stop), one who has not agreed yet, an erased
patient, and a chat that was never a patient's. /sos always reaches crisis lines for
anyone who is or was a patient here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bot.sandbox.models import BotMessage, SandboxUser
from bot.services import texts
from tests.e2e.conftest import Clinic

AFTER = texts.OutsideCare
CRISIS = texts.SOS_LINES  # every crisis reply lists the crisis lines under this line
COMMANDS = {
    "/start": "/start",
    "/plan": "/plan",
    "/checkin": "/checkin",
    "/cope": "/cope",
    "/sos": "/sos",
    "/settings": "/settings",
    "/supporters": "/supporters",
    "/mydata": "/mydata",
    "/stop": "/stop",
    "/help": "/help",
    "free text": "hello there",
}
DOCUMENT = "a document"  # /mydata: the JSON file, captioned
CRISIS_LINES = "crisis lines"
CHECKIN_QUESTION = "the first check-in question"
SUPPORTERS = texts.Supporters.MENU

IN_CARE = {
    "/start": texts.ALREADY_LINKED,
    "/plan": texts.PLAN_MENU,
    "/checkin": CHECKIN_QUESTION,
    "/cope": texts.COPE_RATE_BEFORE,
    "/sos": CRISIS_LINES,
    "/settings": texts.SETTINGS_MENU,
    "/supporters": SUPPORTERS,
    "/mydata": DOCUMENT,
    "/stop": texts.STOP_CONFIRM,
    "/help": texts.HELP,
    "free text": texts.UNREADABLE,
}
EXPECTED: dict[str, dict[str, str]] = {
    "active": IN_CARE,
    "paused": {**IN_CARE, "/checkin": texts.CHECKIN_UNAVAILABLE},
    "discharged": {
        "/start": AFTER.ENDED_HELP,
        "/plan": AFTER.ENDED_PLAN,
        "/checkin": AFTER.ENDED_CHECKIN,
        "/cope": AFTER.ENDED_COPE,
        "/sos": CRISIS_LINES,
        "/settings": AFTER.ENDED_SETTINGS,
        "/supporters": AFTER.ENDED_SUPPORTERS,
        "/mydata": DOCUMENT,
        "/stop": AFTER.ENDED_STOP,
        "/help": AFTER.ENDED_HELP,
        "free text": AFTER.ENDED_HELP,
    },
    "stopped": {
        "/start": AFTER.STOPPED_HELP,
        "/plan": AFTER.STOPPED_PLAN,
        "/checkin": AFTER.STOPPED_CHECKIN,
        "/cope": AFTER.STOPPED_HELP,
        "/sos": CRISIS_LINES,
        "/settings": AFTER.STOPPED_HELP,
        "/supporters": AFTER.STOPPED_HELP,
        "/mydata": DOCUMENT,
        "/stop": AFTER.STOPPED_AGAIN,
        "/help": AFTER.STOPPED_HELP,
        "free text": AFTER.STOPPED_HELP,
    },
    "not agreed yet": {
        "/start": texts.ONBOARDING,
        "/plan": AFTER.AGREE_FIRST,
        "/checkin": AFTER.AGREE_FIRST,
        "/cope": AFTER.AGREE_FIRST,
        "/sos": CRISIS_LINES,
        "/settings": AFTER.AGREE_FIRST,
        "/supporters": AFTER.AGREE_FIRST,
        "/mydata": DOCUMENT,
        "/stop": texts.STOP_CONFIRM,
        "/help": AFTER.AGREE_FIRST,
        "free text": texts.NEEDS_CONSENT,
    },
    "erased": {
        **{command: texts.NOT_ENROLLED for command in COMMANDS},
        "/start": texts.START_UNKNOWN,
        "/sos": CRISIS_LINES,
    },
    "never a patient": {
        **{command: texts.NOT_ENROLLED for command in COMMANDS},
        "/start": texts.START_UNKNOWN,
    },
}


async def active(clinic: Clinic) -> SandboxUser:
    return (await clinic.onboard())[1]


async def paused(clinic: Clinic) -> SandboxUser:
    patient, user = await clinic.onboard()
    await clinic.services.patients.pause(clinic.clinician, patient.reference, None)
    await clinic.settle()  # the patient is told, and only then writes
    return user


async def discharged(clinic: Clinic) -> SandboxUser:
    patient, user = await clinic.onboard()
    await clinic.services.patients.discharge(clinic.clinician, patient.reference)
    await clinic.settle()
    return user


async def stopped(clinic: Clinic) -> SandboxUser:
    _, user = await clinic.onboard()
    await clinic.say(user, "/stop")
    await clinic.press(user, texts.STOP_YES)
    return user


async def not_agreed(clinic: Clinic) -> SandboxUser:
    _, code = await clinic.enrol()
    user = await clinic.sandbox.client.create_user("Avery")
    await clinic.sandbox.client.start_bot(user.id, code)
    await clinic.settle()
    return user


async def erased(clinic: Clinic) -> SandboxUser:
    patient, user = await clinic.onboard()
    await clinic.services.patients.erase(clinic.admin, patient.reference, patient.reference)
    await clinic.settle()
    return user


async def stranger(clinic: Clinic) -> SandboxUser:
    return await clinic.sandbox.client.create_user("Robin")


STATES: dict[str, Callable[[Clinic], Awaitable[SandboxUser]]] = {
    "active": active,
    "paused": paused,
    "discharged": discharged,
    "stopped": stopped,
    "not agreed yet": not_agreed,
    "erased": erased,
    "never a patient": stranger,
}


def answers(reply: BotMessage, expected: str) -> bool:
    text = reply.text or ""
    if expected == DOCUMENT:
        return reply.document is not None and text == texts.MYDATA_CAPTION
    if expected == CRISIS_LINES:
        return CRISIS in text.splitlines()
    if expected == CHECKIN_QUESTION:
        return text.startswith("Check-in (1/")
    if expected == SUPPORTERS:
        return text.startswith(SUPPORTERS)
    return text == expected


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("state", STATES)
async def test_every_command_answers_in_every_state(
    clinic: Clinic, state: str, command: str
) -> None:
    user = await STATES[state](clinic)
    heard = len(await clinic.messages(user))
    await clinic.say(user, COMMANDS[command])
    replies = (await clinic.messages(user))[heard:]
    assert replies, f"{state}: {command} got no reply"
    expected = EXPECTED[state][command]
    assert answers(replies[0], expected), (replies[0].text, expected)


@pytest.mark.parametrize("state", ["discharged", "stopped"])
async def test_after_care_ends_checkin_never_says_paused(clinic: Clinic, state: str) -> None:
    user = await STATES[state](clinic)
    await clinic.say(user, "/checkin")
    assert "paused" not in ((await clinic.last(user)).text or "")
