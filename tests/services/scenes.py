"""A patient with everything running (supporter, coping, SOS, check-in, mail, updates),
for the erasure and end-of-care tests. Fictional people and chats."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import timedelta

from bot.domain.ids import new_id
from bot.domain.model import (
    Checkin,
    CheckinStatus,
    Consent,
    EnrolmentCode,
    OutboundMessage,
    Patient,
    Supporter,
    SupporterStatus,
)
from tests.services.conftest import World, active_patient

PATIENT_CHAT = 610001
OTHER_CHAT = 610002
SUPPORTER_CHAT = 610003
STAFF_CHAT = 610004
SECRET = "Quillon's note about the harbour bar"


@dataclass
class Scene:
    patient: Patient
    other: Patient  # a second patient, not erased: the jobs must still work for them
    supporter: Supporter
    patient_code: str
    supporter_code: str


async def link_staff(world: World) -> None:
    """The clinician's Telegram is linked, so alerts are queued to them."""
    async with world.services.store.uow() as uow:
        await uow.staff.link_telegram(world.staff.id, STAFF_CHAT)
        await uow.commit()


async def add_supporter(
    world: World,
    patient: Patient,
    *,
    scopes: Collection[str] = ("weekly_summary", "crisis_notice"),
    chat: int = SUPPORTER_CHAT,
) -> Supporter:
    """An active supporter who consented 8 days ago to ``scopes`` (for 90 days)."""
    now = world.clock.now()
    supporter = Supporter(
        id=new_id(),
        patient_id=patient.id,
        name="Sam",
        status=SupporterStatus.ACTIVE,
        created_at=now,
        updated_at=now,
        alias="Avery",
        chat_id=chat,
        draft_scopes=frozenset({"crisis_notice"}),
    )
    async with world.services.store.uow() as uow:
        await uow.supporters.save(supporter)
        await uow.consents.add(
            Consent(
                id=new_id(),
                patient_id=patient.id,
                kind="supporter",
                scopes=frozenset(scopes),
                purpose="support from a friend",
                text_version="v1",
                granted_at=now - timedelta(days=8),
                supporter_id=supporter.id,
                expires_at=now + timedelta(days=90),
            )
        )
        await uow.commit()
    return supporter


async def add_code(world: World, purpose: str, **owner: str) -> str:
    secret = f"{purpose[0]}_{new_id()}"
    now = world.clock.now()
    code = EnrolmentCode(new_id(), purpose, now, now + timedelta(days=7), **owner)
    async with world.services.store.uow() as uow:
        await uow.enrolment.add(code, secret)
        await uow.commit()
    return secret


async def build_scene(world: World) -> Scene:
    """A patient with everything running: supporter, coping, SOS, check-in, mail, updates."""
    services = world.services
    patient = await active_patient(world, "Avery Quill", PATIENT_CHAT)
    other = await active_patient(world, "Rowan Vale", OTHER_CHAT)
    await link_staff(world)
    supporter = await add_supporter(world, patient)
    await services.schedules.set(world.clinician, patient.reference, ["09:00"], "*")
    await services.inbox.receive(
        [
            {"update_id": 1, "message": {"chat": {"id": PATIENT_CHAT}, "text": SECRET}},
            {"update_id": 2, "message": {"chat": {"id": OTHER_CHAT}, "text": "hello"}},
        ]
    )
    await services.coping.start(PATIENT_CHAT, world.update_id())
    async with services.store.uow() as uow:
        (session,) = await uow.coping.for_patient(patient.id)
        await uow.coping.save(
            replace(session, status="running", step=1, next_prompt_at=world.clock.now())
        )
        checkin = Checkin(
            new_id(),
            patient.id,
            world.clock.now(),
            "high_risk",
            CheckinStatus.SENT,
            world.clock.now(),
        )
        await uow.checkins.add(replace(checkin, expires_at=world.clock.now()))
        await uow.checkins.set_risk(checkin, "urgent", ["craving 9/10"])
        await uow.outbox.enqueue(
            OutboundMessage(
                new_id(),
                f"test:{new_id()}",
                "supporter",
                supporter.id,
                "sendMessage",
                {"text": "Avery would like you to reach out."},
                "crisis_notice",
                world.clock.now(),
                patient_id=patient.id,
                consent_scope="crisis_notice",
            )
        )
        await uow.commit()
    await services.safety.sos(PATIENT_CHAT, world.update_id())
    await services.safety.sos(OTHER_CHAT, world.update_id())
    patient_code = await add_code(world, "patient", patient_id=patient.id)
    supporter_code = await add_code(
        world, "supporter", patient_id=patient.id, supporter_id=supporter.id
    )
    return Scene(patient, other, supporter, patient_code, supporter_code)
