"""Retention: old message payloads go; what is still needed (waiting, open alerts) stays."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from bot.domain.ids import new_id
from bot.domain.model import DeliveryStatus, OutboundMessage, Patient
from tests.services.conftest import World
from tests.services.scenes import OTHER_CHAT, PATIENT_CHAT, active_patient, link_staff

RETENTION = timedelta(days=7)


def update(update_id: int, chat: int) -> dict[str, object]:
    return {"update_id": update_id, "message": {"chat": {"id": chat}, "text": "hi"}}


async def payload_lengths(world: World) -> dict[int, int]:
    async with world.services.store.uow() as uow:
        rows = await uow.session.execute(text("select update_id, payload_enc from inbox"))
        return {update_id: len(blob) for update_id, blob in rows}


async def test_old_processed_updates_lose_their_payload_and_failed_ones_go(world: World) -> None:
    inbox = world.services.inbox
    await inbox.receive([update(1, PATIENT_CHAT), update(2, PATIENT_CHAT), update(3, OTHER_CHAT)])
    await inbox.done(1)
    while not await inbox.failed(2, "handler error"):  # True at the last attempt
        pass
    await inbox.give_up(2, "handler error")  # as the processor does when set-aside fails
    world.tick(days=8)
    await inbox.receive([update(4, PATIENT_CHAT)])
    await inbox.done(4)
    await inbox.purge(RETENTION)
    lengths = await payload_lengths(world)
    assert lengths[1] == 0, "processed long ago: payload dropped, row kept for duplicates"
    assert 2 not in lengths, "failed long ago: gone"
    assert lengths[3] > 0 and lengths[4] > 0, "still waiting, or processed recently"
    assert [uid for uid, _ in await inbox.pending()] == [3]


async def queue(world: World, patient: Patient, purpose: str) -> str:
    message = OutboundMessage(
        new_id(),
        f"test:{new_id()}",
        "patient",
        patient.id,
        "sendMessage",
        {"text": f"a {purpose} message"},
        purpose,
        world.clock.now(),
        patient_id=patient.id,
    )
    async with world.services.store.uow() as uow:
        await uow.outbox.enqueue(message)
        await uow.commit()
    return message.id


async def finish(world: World, message_id: str, status: DeliveryStatus) -> None:
    async with world.services.store.uow() as uow:
        if status is DeliveryStatus.SENT:
            await uow.outbox.mark_sent(message_id, world.clock.now(), 42)
        else:
            await uow.outbox.mark_final(message_id, status, "test")
        await uow.commit()


async def payload(world: World, message_id: str) -> dict[str, object]:
    async with world.services.store.uow() as uow:
        message = await uow.outbox.get(message_id)
    assert message is not None
    return dict(message.payload)


async def test_old_finished_messages_lose_their_payload(world: World) -> None:
    patient = await active_patient(world, "Avery Quill", PATIENT_CHAT)
    finished = {}
    for status in (DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.CANCELLED):
        finished[status] = await queue(world, patient, status.value)
        await finish(world, finished[status], status)
    waiting = await queue(world, patient, "waiting")
    world.tick(days=8)
    recent = await queue(world, patient, "recent")
    await finish(world, recent, DeliveryStatus.SENT)
    await world.services.inbox.purge(RETENTION)
    for status, message_id in finished.items():
        assert await payload(world, message_id) == {}, status
    assert await payload(world, waiting) == {"text": "a waiting message"}
    assert await payload(world, recent) == {"text": "a recent message"}
    async with world.services.store.uow() as uow:
        claimed = await uow.outbox.claim(world.clock.now(), 10, timedelta(minutes=1))
    assert [m.id for m in claimed] == [waiting]


async def test_an_open_alert_keeps_its_text_so_acknowledging_can_edit_it(world: World) -> None:
    await link_staff(world)
    await active_patient(world, "Avery Quill", PATIENT_CHAT)
    await active_patient(world, "Rowan Vale", OTHER_CHAT)
    await world.services.safety.sos(PATIENT_CHAT, world.update_id())
    await world.services.safety.sos(OTHER_CHAT, world.update_id())
    async with world.services.store.uow() as uow:
        first = await uow.escalations.by_number(1)
        second = await uow.escalations.by_number(2)
    assert first is not None and second is not None
    (resolved_alert,) = await world.outbox(purpose="alert", ref_id=first.id)
    (open_alert,) = await world.outbox(purpose="alert", ref_id=second.id)
    for alert in (resolved_alert, open_alert):
        await finish(world, alert.id, DeliveryStatus.SENT)
    await world.services.escalations.resolve(world.clinician, "E-1", "called, safe at home")
    world.tick(days=8)
    await world.services.inbox.purge(RETENTION)
    assert await payload(world, resolved_alert.id) == {}
    assert await payload(world, open_alert.id) == open_alert.payload
    await world.services.escalations.acknowledge(world.clinician, "E-2")
    later = first.created_at + RETENTION
    (edit,) = [m for m in await world.outbox(method="editMessageText") if m.created_at > later]
    assert str(edit.payload["text"]).startswith(str(open_alert.payload["text"]))
