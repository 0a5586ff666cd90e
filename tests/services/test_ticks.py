"""The clock: due check-ins, downtime, reminders, expiry, missed and silence alerts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.delivery.dispatcher import Dispatcher
from bot.delivery.pacing import Pacer
from bot.domain.model import CheckinStatus, Patient
from bot.services import texts
from tests.delivery.fakes import FakeBotApi
from tests.services.conftest import World
from tests.services.conftest import active_patient as shared_active_patient

NY = "America/New_York"


async def active_patient(world: World, tz: str = NY, chat_id: int = 700001) -> Patient:
    return await shared_active_patient(world, "Avery Quill", chat_id, tz)


async def checkins(world: World, patient: Patient) -> list[tuple[datetime, CheckinStatus]]:
    async with world.services.store.uow() as uow:
        return [(c.due_at, c.status) for c in await uow.checkins.for_patient(patient.id)]


def at(world: World, text: str) -> None:
    world.clock.set(datetime.fromisoformat(text))


async def deliver(world: World) -> FakeBotApi:
    """What the dispatcher does: send everything ready to Telegram and record it sent."""
    api = FakeBotApi()
    await Dispatcher(world.services.delivery, api, Pacer(), idle_poll=0.01).run_until_idle()
    return api


async def test_a_due_schedule_becomes_one_checkin_with_its_invitation(world: World) -> None:
    at(world, "2026-03-02T13:00:00+00:00")  # 08:00 in New York
    patient = await active_patient(world)
    await world.services.schedules.set(world.clinician, patient.reference, ["09:00"], "*")
    at(world, "2026-03-02T14:00:30+00:00")
    report = await world.services.ticks.materialise_due()
    assert report.created == 1
    assert await checkins(world, patient) == [
        (datetime(2026, 3, 2, 14, 0, tzinfo=UTC), CheckinStatus.PENDING)
    ]
    (invitation,) = await world.outbox(recipient_id=patient.id)
    assert invitation.payload["text"] == texts.CHECKIN_INTRO


async def test_a_double_tick_never_doubles_a_checkin(world: World) -> None:
    at(world, "2026-03-02T13:00:00+00:00")
    patient = await active_patient(world)
    await world.services.schedules.set(world.clinician, patient.reference, ["09:00"], "*")
    at(world, "2026-03-02T14:01:00+00:00")
    await world.services.ticks.materialise_due()
    # a second worker that read the same due row before it advanced
    async with world.services.store.uow() as uow:
        (schedule,) = await uow.schedules.for_patient(patient.id)
        await uow.schedules.set_next_due(
            schedule.id, datetime(2026, 3, 2, 14, 0, tzinfo=UTC), world.clock.now()
        )
        await uow.commit()
    await world.services.ticks.materialise_due()
    assert len(await checkins(world, patient)) == 1
    assert len(await world.outbox(recipient_id=patient.id)) == 1


@pytest.mark.parametrize("workers", [1, 2])
async def test_concurrent_batches_make_each_due_checkin_exactly_once(
    world: World, workers: int
) -> None:
    at(world, "2026-03-02T13:00:00+00:00")
    patients = [await active_patient(world, chat_id=700100 + n) for n in range(7)]
    for patient in patients:
        await world.services.schedules.set(
            world.clinician, patient.reference, ["09:00", "09:30"], "*"
        )
    at(world, "2026-03-02T14:31:00+00:00")
    world.services.ticks.workers = workers  # PostgreSQL runs two; SQLite one
    report = await world.services.ticks.materialise_due(batch=3)  # 14 due: five batches
    assert report.created == 14
    for patient in patients:
        assert [due for due, _ in await checkins(world, patient)] == [
            datetime(2026, 3, 2, 14, 0, tzinfo=UTC),
            datetime(2026, 3, 2, 14, 30, tzinfo=UTC),
        ]
        assert len(await world.outbox(recipient_id=patient.id)) == 2
    assert (await world.services.ticks.materialise_due(batch=3)).created == 0


async def test_after_short_downtime_a_checkin_is_sent_late(world: World) -> None:
    at(world, "2026-03-02T13:00:00+00:00")
    patient = await active_patient(world)
    await world.services.schedules.set(world.clinician, patient.reference, ["09:00"], "*")
    at(world, "2026-03-02T15:30:00+00:00")  # 90 minutes late, grace is 2 hours
    await world.services.ticks.materialise_due()
    assert [s for _, s in await checkins(world, patient)] == [CheckinStatus.PENDING]


async def test_after_long_downtime_old_checkins_are_missed_not_flooded(world: World) -> None:
    at(world, "2026-03-02T13:00:00+00:00")
    patient = await active_patient(world)
    await world.services.schedules.set(world.clinician, patient.reference, ["09:00", "20:30"], "*")
    at(world, "2026-03-05T14:30:00+00:00")  # three days down; 09:00 today is 30 min late
    report = await world.services.ticks.materialise_due()
    statuses = [s for _, s in await checkins(world, patient)]
    assert statuses.count(CheckinStatus.PENDING) == 1  # only today's 09:00
    assert statuses.count(CheckinStatus.MISSED) == 6
    assert report.created == 1
    assert len(await world.outbox(recipient_id=patient.id)) == 1


async def test_one_reminder_then_expiry_counts_as_missed(world: World) -> None:
    at(world, "2026-03-02T13:00:00+00:00")
    patient = await active_patient(world)
    await world.services.schedules.set(world.clinician, patient.reference, ["09:00"], "*")
    at(world, "2026-03-02T14:00:30+00:00")
    await world.services.ticks.materialise_due()
    assert texts.CHECKIN_INTRO in (await deliver(world)).texts_to(700001)
    world.tick(minutes=59)
    assert await world.services.ticks.remind_and_expire() == (0, 0)
    world.tick(minutes=2)
    assert await world.services.ticks.remind_and_expire() == (1, 0)
    assert await world.services.ticks.remind_and_expire() == (0, 0)  # only one reminder
    assert texts.CHECKIN_REMINDER in await world.texts_for(patient)
    world.tick(hours=4)
    assert await world.services.ticks.remind_and_expire() == (0, 1)
    assert [s for _, s in await checkins(world, patient)] == [CheckinStatus.MISSED]


async def test_missed_in_a_row_raises_a_warning_once_the_plan_threshold_is_met(
    world: World,
) -> None:
    at(world, "2026-03-02T13:00:00+00:00")
    patient = await active_patient(world)
    await world.services.schedules.set(world.clinician, patient.reference, ["09:00"], "*")
    for day in range(3):
        at(world, f"2026-03-0{2 + day}T14:00:10+00:00")
        await world.services.ticks.materialise_due()
        await deliver(world)
        world.tick(hours=6)
        await world.services.ticks.remind_and_expire()
        world.tick(hours=1)
        await world.services.ticks.remind_and_expire()
        async with world.services.store.uow() as uow:
            found = await uow.escalations.find(patient_ids=[patient.id])
        assert (len(found), day) in ((0, 0), (0, 1), (1, 2))
    assert found[0].rule == "missed_checkins"
    assert found[0].reasons == ("3 check-ins missed in a row (threshold 3)",)


async def test_silence_raises_one_alert_not_one_per_tick(world: World) -> None:
    at(world, "2026-03-02T13:00:00+00:00")
    patient = await active_patient(world)
    world.tick(days=5)
    assert await world.services.ticks.silence() == 1
    world.tick(days=1)
    assert await world.services.ticks.silence() == 0
    async with world.services.store.uow() as uow:
        (found,) = await uow.escalations.find(patient_ids=[patient.id])
    assert found.rule == "silence"


async def test_paused_patients_get_no_checkins_and_pauses_end_by_themselves(
    world: World,
) -> None:
    at(world, "2026-03-02T13:00:00+00:00")
    patient = await active_patient(world)
    await world.services.schedules.set(world.clinician, patient.reference, ["09:00"], "*")
    await world.services.patients.pause(world.clinician, patient.reference, 1)
    at(world, "2026-03-02T14:00:30+00:00")
    await world.services.ticks.materialise_due()
    assert await checkins(world, patient) == []
    world.tick(days=1)
    assert await world.services.ticks.end_pauses() == 1
    at(world, "2026-03-03T14:00:30+00:00")
    await world.services.ticks.materialise_due()
    assert len(await checkins(world, patient)) == 1


async def test_quiet_hours_hold_back_scheduled_checkins(world: World) -> None:
    at(world, "2026-03-02T13:00:00+00:00")
    patient = await active_patient(world)
    async with world.services.store.uow() as uow:
        stored = await uow.patients.get(patient.id)
        assert stored is not None
        await uow.patients.update(replace(stored, quiet_start="08:30", quiet_end="10:00"))
        await uow.commit()
    await world.services.schedules.set(world.clinician, patient.reference, ["09:00"], "*")
    at(world, "2026-03-02T14:00:30+00:00")
    report = await world.services.ticks.materialise_due()
    assert (report.created, report.skipped) == (0, 1)


@pytest.mark.parametrize(
    ("tz", "spring_day", "expected_utc"),
    [
        ("America/New_York", "2026-03-08", "2026-03-08T07:30:00+00:00"),  # 02:30 → 03:30 EDT
        ("Europe/London", "2026-03-29", "2026-03-29T01:30:00+00:00"),  # 01:30 → 02:30 BST
    ],
)
async def test_a_time_in_the_spring_gap_is_sent_once_shifted_forward(
    world: World, tz: str, spring_day: str, expected_utc: str
) -> None:
    at(world, f"{spring_day}T00:00:00+00:00")
    patient = await active_patient(world, tz)
    local = "02:30" if tz.startswith("America") else "01:30"
    await world.services.schedules.set(world.clinician, patient.reference, [local], "*")
    at(world, expected_utc)
    world.tick(seconds=30)
    await world.services.ticks.materialise_due()
    world.tick(hours=2)
    await world.services.ticks.materialise_due()
    due = [d for d, _ in await checkins(world, patient)]
    assert due == [datetime.fromisoformat(expected_utc)]


async def test_an_ambiguous_time_on_the_fall_back_night_fires_once(world: World) -> None:
    at(world, "2026-10-31T12:00:00+00:00")
    patient = await active_patient(world, NY)
    await world.services.schedules.set(world.clinician, patient.reference, ["01:30"], "*")
    for hour in range(4, 9):  # 01:30 EDT is 05:30Z; 01:30 EST would be 06:30Z
        at(world, f"2026-11-01T{hour:02d}:45:00+00:00")
        await world.services.ticks.materialise_due()
    due = [d for d, _ in await checkins(world, patient)]
    assert due == [datetime(2026, 11, 1, 5, 30, tzinfo=UTC)]


async def test_processed_update_payloads_are_dropped_after_the_retention(world: World) -> None:
    async with world.services.store.uow() as uow:
        await uow.inbox.add_if_new(
            42, {"update_id": 42, "message": {"text": "hello"}}, world.clock.now()
        )
        await uow.inbox.mark_done(42, world.clock.now())
        await uow.commit()
    world.tick(days=6)
    assert await world.services.inbox.purge(timedelta(days=7)) == 0
    world.tick(days=2)
    assert await world.services.inbox.purge(timedelta(days=7)) == 1
    async with world.services.store.uow() as uow:  # the id stays: a late duplicate is ignored
        assert await uow.inbox.add_if_new(42, {"update_id": 42}, world.clock.now()) is False
