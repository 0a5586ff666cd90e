"""Refused button presses, through the real stack: every kind of button, forged or stale,
is answered, changes nothing and leaves exactly one neutral audit entry; a chat that
keeps forging is rate-limited with one entry saying so, then ignored unaudited."""

from __future__ import annotations

import pytest

from bot.domain.model import AuditEntry
from bot.sandbox.models import SandboxUser
from bot.services import buttons, coping, plan_chat, settings, texts
from bot.services.conversation import STOP_YES
from bot.services.enrolment import CONSENT_YES
from bot.services.escalation_review import ACK_PREFIX, DETAILS_PREFIX
from bot.services.refusals import RATE_LIMITED
from bot.services.safety import SOS_NOTIFY
from bot.services.supporter_consent import PREFIX as SUP
from tests.e2e.conftest import Clinic

NOBODY = "0" * 32  # a well-formed id of nothing

# (who presses, callback data, the one audit action expected); "patient" is an active
# patient, "stranger" a chat the bot does not know, "staff" a linked clinician
CASES = [
    ("patient", CONSENT_YES, "consent.press_stale"),
    ("stranger", CONSENT_YES, "consent.press_unknown_chat"),
    ("patient", buttons.start(NOBODY), "checkin.press_forged"),
    ("patient", buttons.answer(NOBODY, 0, "AAAA"), "checkin.press_forged"),
    ("patient", buttons.toggle(NOBODY, 0, "AAAA"), "checkin.press_forged"),
    ("patient", buttons.done(NOBODY, 0), "checkin.press_forged"),
    ("patient", buttons.skip(NOBODY, 0), "checkin.press_forged"),
    ("patient", "ca:not-an-id", "checkin.press_forged"),
    ("stranger", buttons.skip(NOBODY, 0), "checkin.press_unknown_chat"),
    ("stranger", coping.START, "plan.press_unknown_chat"),
    ("patient", f"{coping.RATE}:{NOBODY}:b:AAAA", "plan.press_forged"),
    ("patient", f"{coping.HELPED}:{NOBODY}:AAAA", "plan.press_forged"),
    ("patient", f"{coping.TRIED}:AAAA", "plan.press_forged"),
    ("patient", f"{coping.RATE}:{NOBODY}", "plan.press_forged"),
    ("stranger", f"{coping.RATE}:{NOBODY}:b:AAAA", "plan.press_unknown_chat"),
    ("stranger", plan_chat.MENU, "plan.press_unknown_chat"),
    ("patient", f"{plan_chat.SECTION}:nosuch", "plan.press_forged"),
    ("patient", f"{plan_chat.TRIGGER}:AAAA", "plan.press_forged"),
    ("patient", f"{plan_chat.SUGGEST}:nosuch", "plan.press_forged"),
    ("patient", f"{plan_chat.TRIGGER_KIND}:nosuch", "plan.press_forged"),
    ("patient", f"{plan_chat.NOT_HELPING}:AAAA", "plan.press_forged"),
    ("stranger", STOP_YES, "stop.press_unknown_chat"),
    ("patient", f"{SOS_NOTIFY}:{NOBODY}:0:AAAA", "supporter.press_forged"),
    ("patient", SOS_NOTIFY, "supporter.press_stale"),
    ("stranger", f"{SOS_NOTIFY}:{NOBODY}:0:AAAA", "supporter.press_unknown_chat"),
    ("patient", f"{ACK_PREFIX}{NOBODY}", "alert.press_unknown_chat"),
    ("staff", f"{ACK_PREFIX}{NOBODY}", "alert.press_forged"),
    ("patient", f"{DETAILS_PREFIX}{NOBODY}", "alert.press_unknown_chat"),
    ("staff", f"{DETAILS_PREFIX}{NOBODY}", "alert.press_forged"),
    ("stranger", f"{settings.PREFIX}tz", "settings.press_unknown_chat"),
    ("patient", f"{settings.PREFIX}nosuch", "settings.press_forged"),
    ("patient", f"{settings.PREFIX}pause:99", "settings.press_forged"),
    ("patient", f"{settings.PREFIX}resume", "settings.press_stale"),
    ("stranger", f"{SUP}add", "supporter.press_unknown_chat"),
    ("patient", f"{SUP}edit:{NOBODY}", "supporter.press_forged"),
    ("patient", f"{SUP}nosuch", "supporter.press_forged"),
    ("patient", f"{SUP}confirm:{NOBODY}", "supporter.press_forged"),
    ("stranger", f"{SUP}accept:{NOBODY}", "supporter.press_forged"),
    ("patient", "zz:made-up", "button.press_forged"),
    ("stranger", "zz:made-up", "button.press_forged"),
]


async def audit_after(clinic: Clinic, seq: int) -> list[AuditEntry]:
    async with clinic.services.store.uow() as uow:
        return [e for e in await uow.audit.entries(limit=1000) if e.seq > seq]


async def last_seq(clinic: Clinic) -> int:
    async with clinic.services.store.uow() as uow:
        entries = await uow.audit.entries(limit=1000)
    return max((e.seq for e in entries), default=0)


async def presser(clinic: Clinic, who: str) -> SandboxUser:
    if who == "patient":
        _, user = await clinic.onboard()
        return user
    if who == "staff":
        return await clinic.link_staff()
    user = await clinic.sandbox.client.create_user("Rue")
    await clinic.sandbox.client.start_bot(user.id)  # a bot message to press on
    await clinic.settle()
    return user


async def forge(clinic: Clinic, user: SandboxUser, data: str) -> int:
    message = await clinic.last(user)
    update = await clinic.sandbox.client.press_button(user.id, message.message_id, data, force=True)
    await clinic.settle()
    return update


@pytest.mark.parametrize(("who", "data", "action"), CASES)
async def test_a_refused_press_is_answered_and_audited_once(
    clinic: Clinic, who: str, data: str, action: str
) -> None:
    user = await presser(clinic, who)
    before_texts = await clinic.texts(user)
    seq = await last_seq(clinic)
    update = await forge(clinic, user, data)
    entries = await audit_after(clinic, seq)
    assert [(e.actor, e.action) for e in entries] == [("system", action)]
    assert entries[0].detail == ""  # nothing of what was pressed
    assert (await clinic.sandbox.client.wait_for_callback_answer(update)).answered
    new_texts = (await clinic.texts(user))[len(before_texts) :]
    assert all(texts.Supporters.SUPPORTER_HELP not in t for t in new_texts)


async def test_a_patients_refusal_names_the_patient_by_reference_only(clinic: Clinic) -> None:
    patient, user = await clinic.onboard()
    seq = await last_seq(clinic)
    await forge(clinic, user, f"{plan_chat.TRIGGER}:AAAA")
    (entry,) = await audit_after(clinic, seq)
    assert entry.patient_ref == patient.reference


async def test_a_chat_that_keeps_forging_is_rate_limited_with_one_entry(clinic: Clinic) -> None:
    refusals = clinic.services.refusals
    refusals.limit = 3
    _, user = await clinic.onboard()
    seq = await last_seq(clinic)
    updates = [await forge(clinic, user, f"{plan_chat.TRIGGER}:AAAA{i}") for i in range(7)]
    actions = [e.action for e in await audit_after(clinic, seq)]
    assert actions == ["plan.press_forged"] * 3 + [RATE_LIMITED]
    for update in updates:  # every press still stops its spinner
        assert (await clinic.sandbox.client.wait_for_callback_answer(update)).answered


async def test_a_rate_limited_chat_is_ignored_even_for_real_buttons_but_still_talks(
    clinic: Clinic,
) -> None:
    clinic.services.refusals.limit = 1
    _, user = await clinic.onboard()
    for _ in range(2):
        await forge(clinic, user, "zz:made-up")
    await clinic.say(user, "/plan")
    before = len(await clinic.messages(user))
    await clinic.press(user, "I'm facing a trigger")
    assert len(await clinic.messages(user)) == before  # the press was ignored
    await clinic.say(user, "/help")  # commands and messages are never limited
    assert (await clinic.last(user)).text == texts.HELP


async def test_the_limit_lifts_after_the_window(clinic: Clinic) -> None:
    refusals = clinic.services.refusals
    refusals.limit = 1
    _, user = await clinic.onboard()
    for _ in range(3):
        await forge(clinic, user, "zz:made-up")
    clinic.advance(seconds=refusals.window.total_seconds())
    seq = await last_seq(clinic)
    await forge(clinic, user, "zz:made-up")
    assert [e.action for e in await audit_after(clinic, seq)] == ["button.press_forged"]


async def test_one_chat_forging_does_not_limit_another(clinic: Clinic) -> None:
    clinic.services.refusals.limit = 1
    _, avery = await clinic.onboard()
    _, bo = await clinic.onboard("Bo", name="Bo Lark")
    for _ in range(3):
        await forge(clinic, avery, "zz:made-up")
    seq = await last_seq(clinic)
    await forge(clinic, bo, "zz:made-up")
    assert [e.action for e in await audit_after(clinic, seq)] == ["button.press_forged"]
