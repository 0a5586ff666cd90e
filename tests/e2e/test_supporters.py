"""Supporters: patient-controlled, consented, revocable — and never told health details."""

from __future__ import annotations

import re

from bot.domain.model import SupporterStatus
from bot.sandbox.models import SandboxUser
from bot.services import texts
from bot.services.texts import Supporters as t
from tests.e2e.conftest import PLAN, Clinic


async def add_supporter(
    clinic: Clinic, patient_user: SandboxUser, name: str, scopes: list[str]
) -> SandboxUser:
    await clinic.say(patient_user, "/supporters")
    await clinic.press(patient_user, t.ADD)
    await clinic.say(patient_user, name)
    for scope in scopes:
        await clinic.press(patient_user, t.SCOPE_LABELS[scope])
    await clinic.press(patient_user, t.DONE)
    await clinic.press(patient_user, t.EXPIRY_LABELS["1y"])
    invite = (await clinic.last(patient_user)).text or ""
    code = re.search(r"start=(s_\w+)", invite)
    assert code is not None, invite
    friend = await clinic.sandbox.client.create_user(name)
    await clinic.sandbox.client.start_bot(friend.id, code.group(1))
    await clinic.settle()
    return friend


async def supporter_status(clinic: Clinic, patient_id: str) -> list[SupporterStatus]:
    async with clinic.services.store.uow() as uow:
        return [s.status for s in await uow.supporters.for_patient(patient_id)]


async def test_invite_accept_and_patient_confirmation(clinic: Clinic) -> None:
    patient, avery = await clinic.onboard()
    sam = await add_supporter(clinic, avery, "Sam", ["reach_out"])
    welcome = await clinic.last(sam)
    assert "a message when they'd like you to reach out" in (welcome.text or "")
    assert "never receive their answers" in (welcome.text or "")
    await clinic.press(sam, t.ACCEPT)
    assert await supporter_status(clinic, patient.id) == [SupporterStatus.PENDING]
    confirm = await clinic.with_button(avery, t.CONFIRM_YES)
    assert '"Sam"' in (confirm.text or "")
    await clinic.press(avery, t.CONFIRM_YES)
    assert await supporter_status(clinic, patient.id) == [SupporterStatus.ACTIVE]
    assert (await clinic.last(sam)).text == t.NOW_ACTIVE


async def active_supporter(
    clinic: Clinic, scopes: list[str]
) -> tuple[str, SandboxUser, SandboxUser]:
    patient, avery = await clinic.onboard()
    sam = await add_supporter(clinic, avery, "Sam", scopes)
    await clinic.press(sam, t.ACCEPT)
    await clinic.press(avery, t.CONFIRM_YES)
    return patient.id, avery, sam


async def test_reach_out_reaches_only_consented_supporters(clinic: Clinic) -> None:
    _, avery, sam = await active_supporter(clinic, ["reach_out"])
    await clinic.say(avery, "/supporters")
    await clinic.press(avery, t.ASK_REACH_OUT)
    assert (await clinic.last(sam)).text == t.REACH_OUT.format(alias="Avery")


async def test_sos_offers_to_notify_supporters_with_crisis_notice(clinic: Clinic) -> None:
    _, avery, sam = await active_supporter(clinic, ["crisis_notice"])
    await clinic.say(avery, texts.SOS_BUTTON)
    await clinic.press(avery, texts.SOS_NOTIFY_YES)
    assert (await clinic.last(sam)).text == t.CRISIS_NOTICE.format(alias="Avery")


async def test_revocation_between_enqueue_and_send_stops_the_message(clinic: Clinic) -> None:
    patient_id, avery, sam = await active_supporter(clinic, ["reach_out"])
    before = len(await clinic.messages(sam))
    await clinic.sandbox.client.send_text(avery.id, "/supporters")
    await clinic.settle()
    menu = await clinic.with_button(avery, t.ASK_REACH_OUT)
    await clinic.sandbox.client.press(avery.id, menu, t.ASK_REACH_OUT)
    await clinic.runtime.receive()
    await clinic.runtime.processor.process_pending()  # queued, not yet sent
    async with clinic.services.store.uow() as uow:
        (supporter,) = await uow.supporters.for_patient(patient_id)
        for consent in await uow.consents.for_patient(patient_id, supporter_id=supporter.id):
            await uow.consents.end(consent.id, clinic.services.clock.now(), "revoked")
        await uow.commit()
    await clinic.settle()
    assert len(await clinic.messages(sam)) == before


async def test_a_supporter_receives_nothing_of_the_patients_health_data(clinic: Clinic) -> None:
    _, avery, sam = await active_supporter(clinic, ["reach_out", "crisis_notice", "weekly_summary"])
    clinic.advance(days=1)  # a check-in the day after, then the first weekly note
    await clinic.say(avery, "/checkin")
    for label in ("9", "4", "Payday evenings", "Done", "Yes", "2"):
        await clinic.press(avery, label)
    await clinic.say(avery, texts.SOS_BUTTON)
    await clinic.press(avery, texts.SOS_NOTIFY_YES)
    clinic.advance(days=6)
    await clinic.runtime.tick()
    seen = " ".join(m.text or "" for m in await clinic.messages(sam)).lower()
    assert "checked in on 1 of the last 7 days" in seen
    secrets = [
        "payday",
        "craving",
        "call sam",
        "graduation",
        "workshop",
        "urge",
        "slip",
        "quill",
        "treatment",
        "555-0100",
        "9/10",
    ]
    secrets += [
        line.strip(" -").lower()
        for line in PLAN.splitlines()
        if line.strip().startswith("- ") and len(line.strip()) > 12
    ]
    leaked = [s for s in secrets if s and s in seen]
    assert leaked == []


async def test_a_supporter_cannot_use_patient_commands(clinic: Clinic) -> None:
    _, _, sam = await active_supporter(clinic, ["reach_out"])
    for command in ("/plan", "/checkin", "/mydata"):
        await clinic.say(sam, command)
    seen = await clinic.texts(sam)
    assert not any("reasons" in s.lower() or "(1/" in s for s in seen)


async def test_a_supporter_leaving_tells_the_patient_only_that(clinic: Clinic) -> None:
    patient_id, avery, sam = await active_supporter(clinic, ["reach_out"])
    await clinic.say(sam, "/stop")
    assert (await clinic.last(avery)).text == t.NO_LONGER.format(name="Sam")
    assert await supporter_status(clinic, patient_id) == [SupporterStatus.LEFT]


async def test_consent_history_is_in_the_audit_log(clinic: Clinic) -> None:
    patient_id, avery, _ = await active_supporter(clinic, ["reach_out"])
    await clinic.say(avery, "/supporters")
    await clinic.press(avery, "Stop Sam")
    async with clinic.services.store.uow() as uow:
        patient = await uow.patients.get(patient_id)
        assert patient is not None
        actions = [e.action for e in await uow.audit.entries(patient_ref=patient.reference)]
    assert {"supporter.consent", "supporter.confirmed", "supporter.revoked"} <= set(actions)


async def test_consent_expires_and_the_supporter_stops_receiving(clinic: Clinic) -> None:
    patient_id, avery, sam = await active_supporter(clinic, ["reach_out"])
    clinic.advance(days=366)
    await clinic.runtime.tick()
    assert await supporter_status(clinic, patient_id) == [SupporterStatus.EXPIRED]
    assert (await clinic.last(avery)).text == t.EXPIRED.format(name="Sam")
    before = len(await clinic.messages(sam))
    await clinic.say(avery, "/supporters")
    assert not any(
        b.text == t.ASK_REACH_OUT for row in (await clinic.last(avery)).buttons for b in row
    )
    assert len(await clinic.messages(sam)) == before


async def test_a_supporter_who_blocks_the_bot_is_unreachable(clinic: Clinic) -> None:
    patient_id, avery, sam = await active_supporter(clinic, ["reach_out"])
    await clinic.sandbox.client.block(sam.id)
    await clinic.settle()
    assert await supporter_status(clinic, patient_id) == [SupporterStatus.UNREACHABLE]
    assert (await clinic.last(avery)).text == t.NO_LONGER.format(name="Sam")
