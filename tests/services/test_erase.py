"""Erasing a patient: nothing of theirs keeps running, and no job or listing trips over them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from bot.domain.errors import Conflict, NotFound
from bot.domain.model import PatientStatus
from scheduler.jobs import tick_table
from tests.services.conftest import World
from tests.services.scenes import SUPPORTER_CHAT, Scene, build_scene


@pytest.fixture
async def erased(world: World) -> Scene:
    scene = await build_scene(world)
    ref = scene.patient.reference
    await world.services.patients.erase(world.admin, ref, ref)
    return scene


async def run_every_tick(world: World) -> None:
    for name, _, work in tick_table(world.services):
        try:
            await work()
        except Exception as exc:
            raise AssertionError(f"tick {name} failed after an erasure") from exc


async def test_every_tick_job_runs_after_an_erasure(world: World, erased: Scene) -> None:
    world.tick(minutes=5)
    await run_every_tick(world)
    world.tick(days=8)
    await run_every_tick(world)
    async with world.services.store.uow() as uow:
        claimed = await uow.outbox.claim(world.clock.now(), 1000, timedelta(minutes=1))
    assert claimed, "the other patient's messages still go out"
    gone = {erased.patient.id, erased.supporter.id}
    assert [m for m in claimed if m.patient_id in gone or m.recipient_id in gone] == []


async def test_clinician_listings_work_and_show_nothing_of_an_erased_patient(
    world: World, erased: Scene
) -> None:
    services = world.services
    ref = erased.patient.reference
    for open_only in (True, False):
        listed = await services.escalations.list_for(
            world.admin, open_only=open_only, patient_ref=None
        )
        assert {e.patient_id for e, _ in listed} == {erased.other.id}
        assert (
            await services.escalations.list_for(world.admin, open_only=open_only, patient_ref=ref)
            == []
        )
    patients = {p.reference: p for p in await services.patients.list_patients(world.admin)}
    assert patients[ref].status is PatientStatus.ERASED and patients[ref].name is None
    overview = await services.patients.show(world.admin, ref)
    assert overview.open_escalations == [] and overview.supporters == 0
    _, supporters = await services.supporters.for_clinician(world.admin, ref)
    assert supporters == []
    with pytest.raises(Conflict, match="erased"):
        await services.reviews.checkins(world.admin, ref)
    rows, _ = await services.outbox.listing(world.admin)
    assert rows, "the outbox listing still works"


async def test_an_erased_patients_escalation_cannot_be_opened_or_acted_on(
    world: World, erased: Scene
) -> None:
    async with world.services.store.uow() as uow:
        numbers = [n for (n,) in await uow.session.execute(text("select number from escalations"))]
        found = {n: await uow.escalations.by_number(n) for n in numbers}
    (theirs,) = [n for n, e in found.items() if e is None]
    assert [e.patient_id for e in found.values() if e is not None] == [erased.other.id]
    for act in (world.services.escalations.show, world.services.escalations.acknowledge):
        with pytest.raises(NotFound):
            await act(world.admin, f"E-{theirs}")


async def test_erasure_ends_every_supporter_and_unlinks_their_chat(
    world: World, erased: Scene
) -> None:
    async with world.services.store.uow() as uow:
        assert await uow.supporters.by_chat(SUPPORTER_CHAT) == []
        assert await uow.supporters.get(erased.supporter.id) is None
        rows = (
            await uow.session.execute(
                text("select status, chat_index, chat_id_enc, draft_scopes from supporters")
            )
        ).all()
        consents = await uow.consents.for_patient(erased.patient.id)
        still_supporting = await world.services.supporters.is_supporter_chat(uow, SUPPORTER_CHAT)
    assert [tuple(r) for r in rows] == [("revoked", None, None, "")]
    assert consents and all(c.ended_at is not None for c in consents)
    assert not still_supporting


async def test_erasure_revokes_the_patients_and_supporters_unused_codes(
    world: World, erased: Scene
) -> None:
    async with world.services.store.uow() as uow:
        for secret in (erased.patient_code, erased.supporter_code):
            code = await uow.enrolment.find(secret)
            assert code is not None and not code.usable(world.clock.now()), secret


async def test_erasure_closes_coping_sessions_and_open_checkins(
    world: World, erased: Scene
) -> None:
    async with world.services.store.uow() as uow:
        assert await uow.coping.due(world.clock.now() + timedelta(days=1)) == []
        sessions = (
            await uow.session.execute(
                text("select status, next_prompt_at, finished_at from coping_sessions")
            )
        ).all()
        checkins = (
            await uow.session.execute(
                text("select status from checkins where patient_id = :p"),
                {"p": erased.patient.id},
            )
        ).all()
    assert [(s, n) for s, n, _ in sessions] == [("erased", None)]
    assert all(finished is not None for _, _, finished in sessions)
    assert [tuple(c) for c in checkins] == [("cancelled",)]


async def test_erasure_cancels_every_unsent_message_about_the_patient(
    world: World, erased: Scene
) -> None:
    async with world.services.store.uow() as uow:
        escalations = [
            e
            for (e,) in await uow.session.execute(
                text("select id from escalations where patient_id = :p"),
                {"p": erased.patient.id},
            )
        ]
        rows = (
            await uow.session.execute(
                text(
                    "select status, ref_id from outbox where patient_id = :p "
                    "or recipient_id in (:p, :s) or ref_id in (:e)"
                ),
                {"p": erased.patient.id, "s": erased.supporter.id, "e": escalations[0]},
            )
        ).all()
    assert len(rows) >= 3, "the scene queued to the patient, the supporter and the staff"
    assert any(ref == escalations[0] for _, ref in rows), "an alert to staff was queued"
    assert {status for status, _ in rows} == {"cancelled"}


async def test_erasure_leaves_no_clinical_fact_in_plain_columns(
    world: World, erased: Scene
) -> None:
    queries = {
        "select rule, level from escalations where patient_id = :p": {("erased", "erased")},
        "select risk_level, origin from checkins where patient_id = :p": {(None, "erased")},
        "select purpose, consent_scope from outbox where patient_id = :p": {("erased", None)},
        "select kind from schedules where patient_id = :p": {("erased",)},
    }
    async with world.services.store.uow() as uow:
        for query, expected in queries.items():
            found = {
                tuple(r) for r in await uow.session.execute(text(query), {"p": erased.patient.id})
            }
            assert found == expected, query


async def test_erasure_blanks_every_stored_update_from_the_patients_chat(
    world: World, erased: Scene
) -> None:
    async with world.services.store.uow() as uow:
        rows = dict(
            tuple(r)
            for r in await uow.session.execute(
                text("select update_id, length(payload_enc) from inbox")
            )
        )
        pending = await uow.inbox.pending()
    assert rows[1] == 0, "the patient's update is blanked"
    assert rows[2] > 0, "another chat's update is untouched"
    assert [uid for uid, _ in pending] == [2]


async def test_the_audit_of_a_raised_escalation_names_only_its_reference(
    world: World, erased: Scene
) -> None:
    async with world.services.store.uow() as uow:
        raised = [e for e in await uow.audit.entries() if e.action == "escalation.raise"]
    assert raised and all(e.detail.startswith("E-") and " " not in e.detail for e in raised)
