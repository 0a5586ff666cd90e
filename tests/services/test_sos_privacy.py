"""SOS and crisis words: the escalation is the record, the audit log says nothing of them,
and "ask my supporters" works for one escalation, for a day, once.
"""

from __future__ import annotations

import pytest

from bot.domain.model import OutboundMessage, Patient
from bot.services import texts
from bot.services.outgoing import Outgoing, commit
from bot.services.safety import NOTIFIED, SOS_NOTIFY
from tests.services.conftest import World, enrolled_patient
from tests.services.scenes import add_supporter

AVERY_CHAT = 620001
BLAKE_CHAT = 620002
SAM_CHAT = 620101


async def audit_actions(world: World) -> list[str]:
    async with world.services.store.uow() as uow:
        return [e.action for e in await uow.audit.entries()]


async def to_supporters(world: World) -> list[OutboundMessage]:
    return await world.outbox(recipient_kind="supporter", method="sendMessage")


async def notify_button(world: World, patient: Patient) -> str:
    """The callback data of the newest "Yes, ask them" button sent to the patient."""
    for message in reversed(await world.outbox(recipient_id=patient.id)):
        for row in message.payload.get("reply_markup", {}).get("inline_keyboard", []):
            for button in row:
                if button["text"] == texts.SOS_NOTIFY_YES:
                    return str(button["callback_data"])
    raise AssertionError("no notify button was sent")


async def press(world: World, chat: int, data: str) -> None:
    await world.services.safety.notify_supporters(chat, data, "cb", world.update_id())


async def last_text(world: World, patient: Patient) -> str:
    return (await world.texts_for(patient))[-1]


async def with_supporter_and_sos(world: World) -> tuple[Patient, str]:
    avery = await enrolled_patient(world, AVERY_CHAT)
    await add_supporter(world, avery, scopes={"crisis_notice"}, chat=SAM_CHAT)
    await world.services.safety.sos(AVERY_CHAT, world.update_id())
    return avery, await notify_button(world, avery)


# --- the audit log --------------------------------------------------------------------


async def test_pressing_sos_raises_an_escalation_and_writes_no_audit_row_about_it(
    world: World,
) -> None:
    avery = await enrolled_patient(world, AVERY_CHAT)
    await world.services.safety.sos(AVERY_CHAT, world.update_id())
    async with world.services.store.uow() as uow:
        escalations = await uow.escalations.find(patient_ids=[avery.id])
    assert [e.rule for e in escalations] == ["sos"]
    assert "sos" not in await audit_actions(world)


@pytest.mark.parametrize("words", ["I want to die tonight", "what's the point of anything"])
async def test_crisis_or_worrying_words_leave_no_triage_audit_row(world: World, words: str) -> None:
    avery = await enrolled_patient(world, AVERY_CHAT)
    await world.services.conversation.free_text(AVERY_CHAT, words, world.update_id())
    async with world.services.store.uow() as uow:
        assert await uow.escalations.find(patient_ids=[avery.id])  # the record is kept
    assert [a for a in await audit_actions(world) if a.startswith("triage")] == []


@pytest.mark.parametrize("scope", ["crisis_notice", "reach_out"])
async def test_every_notice_to_supporters_is_audited_under_one_neutral_name(
    world: World, scope: str
) -> None:
    avery = await enrolled_patient(world, AVERY_CHAT)
    await add_supporter(world, avery, scopes={scope}, chat=SAM_CHAT)
    async with world.services.store.uow() as uow:
        out_patient = await uow.patients.get(avery.id)
        assert out_patient is not None
        out = Outgoing("test", world.clock.now())
        assert await world.services.supporters.notify(uow, out_patient, scope, out) == 1
        await commit(uow, out)
    actions = await audit_actions(world)
    assert "supporter.notice" in actions
    assert [a for a in actions if "crisis" in a or "reach_out" in a] == []


# --- the "ask my supporters" button ----------------------------------------------------


async def test_the_button_names_its_escalation_and_fits_telegrams_limit(world: World) -> None:
    avery, data = await with_supporter_and_sos(world)
    async with world.services.store.uow() as uow:
        (escalation,) = await uow.escalations.find(patient_ids=[avery.id])
    assert data.startswith(f"{SOS_NOTIFY}:{escalation.id}:")
    assert len(data.encode()) <= 64


async def test_pressing_it_twice_asks_the_supporters_once(world: World) -> None:
    avery, data = await with_supporter_and_sos(world)
    await press(world, AVERY_CHAT, data)
    assert await last_text(world, avery) == texts.SOS_NOTIFIED.format(count=1)
    await press(world, AVERY_CHAT, data)
    assert await last_text(world, avery) == texts.SOS_ALREADY_NOTIFIED
    assert [m.payload["text"] for m in await to_supporters(world)] == [
        texts.Supporters.CRISIS_NOTICE.format(alias="Avery")
    ]
    async with world.services.store.uow() as uow:
        (escalation,) = await uow.escalations.find(patient_ids=[avery.id])
        events = [e.kind for e in await uow.escalations.events(escalation)]
    assert events.count(NOTIFIED) == 1


async def test_the_button_expires_after_a_day(world: World) -> None:
    avery, data = await with_supporter_and_sos(world)
    world.tick(hours=24)
    await press(world, AVERY_CHAT, data)
    assert await last_text(world, avery) == texts.SOS_NOTIFY_EXPIRED
    assert await to_supporters(world) == []


async def test_a_forged_tag_does_nothing(world: World) -> None:
    avery, data = await with_supporter_and_sos(world)
    before = await world.texts_for(avery)
    await press(world, AVERY_CHAT, data[:-8] + "AAAAAAAA")
    assert await to_supporters(world) == []
    assert await world.texts_for(avery) == before


async def test_another_patients_button_does_nothing_in_this_chat(world: World) -> None:
    _, data = await with_supporter_and_sos(world)
    blake = await enrolled_patient(world, BLAKE_CHAT, "Blake Ferrow")
    await add_supporter(world, blake, scopes={"crisis_notice"}, chat=SAM_CHAT + 1)
    await press(world, BLAKE_CHAT, data)
    assert await to_supporters(world) == []


async def test_an_old_button_without_an_escalation_only_says_it_expired(world: World) -> None:
    avery, _ = await with_supporter_and_sos(world)
    await press(world, AVERY_CHAT, SOS_NOTIFY)
    assert await last_text(world, avery) == texts.SOS_NOTIFY_EXPIRED
    assert await to_supporters(world) == []


async def test_sos_again_in_the_same_escalation_says_they_were_already_asked(
    world: World,
) -> None:
    avery, data = await with_supporter_and_sos(world)
    await press(world, AVERY_CHAT, data)
    await world.services.safety.sos(AVERY_CHAT, world.update_id())
    crisis = [
        m
        for m in await world.outbox(recipient_id=avery.id, method="sendMessage")
        if str(m.payload["text"]).startswith("You're not alone")
    ]
    assert texts.SOS_ALREADY_NOTIFIED in str(crisis[-1].payload["text"])
    assert "reply_markup" in crisis[0].payload  # the first SOS offered the button
    assert "reply_markup" not in crisis[-1].payload  # the second does not
