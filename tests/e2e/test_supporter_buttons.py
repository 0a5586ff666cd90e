"""Supporter buttons through the real stack: the patient sees which Telegram account is
asking for access, old buttons about an ended supporter do nothing, and "ask my
supporters" after SOS reaches them once however often it is pressed.
"""

from __future__ import annotations

import re

from bot.domain.model import SupporterStatus
from bot.sandbox.models import SandboxUser
from bot.services import texts
from bot.services.texts import Supporters as t
from tests.e2e.conftest import Clinic
from tests.e2e.test_supporters import active_supporter, supporter_status


async def invite_link(clinic: Clinic, avery: SandboxUser, name: str = "Sam") -> str:
    await clinic.say(avery, "/supporters")
    await clinic.press(avery, t.ADD)
    await clinic.say(avery, name)
    await clinic.press(avery, t.SCOPE_LABELS["reach_out"])
    await clinic.press(avery, t.DONE)
    await clinic.press(avery, t.EXPIRY_LABELS["1y"])
    found = re.search(r"start=(s_\w+)", (await clinic.last(avery)).text or "")
    assert found is not None
    return found.group(1)


async def accepted_by(clinic: Clinic, username: str | None) -> tuple[str, SandboxUser]:
    _, avery = await clinic.onboard()
    code = await invite_link(clinic, avery)
    sam = await clinic.sandbox.client.create_user("Sam", username=username)
    await clinic.sandbox.client.start_bot(sam.id, code)
    await clinic.settle()
    await clinic.press(sam, t.ACCEPT)
    confirm = await clinic.with_button(avery, t.CONFIRM_YES)
    return confirm.text or "", avery


async def test_the_patient_sees_the_accepting_accounts_username_before_confirming(
    clinic: Clinic,
) -> None:
    text, _ = await accepted_by(clinic, "sam_example")
    assert '"Sam" @sam_example' in text


async def test_an_account_without_a_username_is_shown_as_having_none(clinic: Clinic) -> None:
    text, _ = await accepted_by(clinic, None)
    assert f'"Sam" {t.NO_USERNAME}' in text


async def test_an_old_expiry_button_after_stopping_the_supporter_does_nothing(
    clinic: Clinic,
) -> None:
    patient, avery = await clinic.onboard()
    await invite_link(clinic, avery)
    await clinic.say(avery, "/supporters")
    await clinic.press(avery, "Stop Sam")
    invites = len([m for m in await clinic.texts(avery) if "start=" in m])
    await clinic.press(avery, t.EXPIRY_LABELS["6m"])  # still on the earlier message
    assert await supporter_status(clinic, patient.id) == [SupporterStatus.REVOKED]
    assert len([m for m in await clinic.texts(avery) if "start=" in m]) == invites
    async with clinic.services.store.uow() as uow:
        (supporter,) = await uow.supporters.for_patient(patient.id)
        consents = await uow.consents.for_patient(patient.id, supporter_id=supporter.id)
    assert [c for c in consents if c.ended_at is None] == []


async def test_a_stopped_supporters_link_gets_the_neutral_answer(clinic: Clinic) -> None:
    _, avery = await clinic.onboard()
    code = await invite_link(clinic, avery)
    await clinic.say(avery, "/supporters")
    await clinic.press(avery, "Stop Sam")
    sam = await clinic.sandbox.client.create_user("Sam")
    await clinic.sandbox.client.start_bot(sam.id, code)
    await clinic.settle()
    assert await clinic.texts(sam) == [texts.CODE_NOT_VALID]


async def test_asking_the_supporters_twice_after_sos_reaches_them_once(clinic: Clinic) -> None:
    _, avery, sam = await active_supporter(clinic, ["crisis_notice"])
    await clinic.say(avery, texts.SOS_BUTTON)
    offer = await clinic.with_button(avery, texts.SOS_NOTIFY_YES)
    for _ in range(2):
        await clinic.sandbox.client.press(avery.id, offer, texts.SOS_NOTIFY_YES)
        await clinic.settle()
    notices = t.CRISIS_NOTICE.format(alias="Avery")
    assert [m for m in await clinic.texts(sam) if m == notices] == [notices]
    assert (await clinic.last(avery)).text == texts.SOS_ALREADY_NOTIFIED
