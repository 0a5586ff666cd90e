"""The dispatcher against the real store and a recording Bot API double."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from bot.bootstrap import Services, build_services
from bot.config import load_settings
from bot.delivery.api import RateLimited, Rejected, Transient, Unreachable
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.pacing import Pacer
from bot.domain.model import DeliveryStatus, Level, PatientStatus, Priority
from bot.domain.risk import Finding
from bot.services.clock import SystemClock
from bot.services.outgoing import Outgoing
from bot.store.uow import Store
from tests.delivery.fakes import FakeBotApi
from tests.factories import make_staff, make_team, seed_patient


@pytest.fixture
def services(store: Store) -> Services:
    return build_services(store, load_settings(max_attempts=3), SystemClock())


@pytest.fixture
def api() -> FakeBotApi:
    return FakeBotApi()


def dispatcher(services: Services, api: FakeBotApi, **pacer: float) -> Dispatcher:
    pace = Pacer(
        rate=pacer.get("rate", 29),
        chat_burst=int(pacer.get("burst", 50)),
        chat_rate=pacer.get("chat_rate", 1.0),
    )
    return Dispatcher(services.delivery, api, pace, idle_poll=0.05, retry_base=0.01)


async def linked_patient(services: Services, chat_id: int, name: str = "Avery Quill") -> str:
    now = services.clock.now()
    async with services.store.uow() as uow:
        _, patient = await seed_patient(
            uow, now, name=name, chat_id=chat_id, status=PatientStatus.ACTIVE
        )
        await uow.commit()
    return patient.id


async def enqueue(services: Services, cause: str, *items: tuple[str, str, int]) -> list[str]:
    """items: (patient_id, text, priority)"""
    now = services.clock.now()
    out = Outgoing(cause, now)
    ids = [out.to_patient(pid, text, purpose="test", priority=prio).id for pid, text, prio in items]
    async with services.store.uow() as uow:
        for message in out.messages:
            await uow.outbox.enqueue(message)
        await uow.commit()
    return ids


async def status_of(services: Services, message_id: str) -> DeliveryStatus:
    async with services.store.uow() as uow:
        row = await uow.outbox.get(message_id)
    assert row is not None
    return row.status


async def test_messages_to_one_chat_are_sent_in_order_and_marked_sent(
    services: Services, api: FakeBotApi
) -> None:
    pid = await linked_patient(services, 5001)
    ids = await enqueue(services, "t", *[(pid, f"m{i}", Priority.ROUTINE) for i in range(5)])
    await dispatcher(services, api).run_until_idle()
    assert api.texts_to(5001) == ["m0", "m1", "m2", "m3", "m4"]
    assert [await status_of(services, i) for i in ids] == [DeliveryStatus.SENT] * 5
    assert all(p["protect_content"] is True for _, p, _ in api.calls)


async def test_a_crisis_message_overtakes_routine_ones(services: Services, api: FakeBotApi) -> None:
    a = await linked_patient(services, 5001)
    b = await linked_patient(services, 5002, "Bo Lark")
    await enqueue(services, "bulk", *[(a, f"routine {i}", Priority.BULK) for i in range(6)])
    await enqueue(services, "sos", (b, "crisis lines", Priority.CRISIS))
    await dispatcher(services, api).run_until_idle()
    assert api.calls[0][1]["text"] == "crisis lines"


async def test_a_429_pauses_and_retries_the_same_message_without_reordering(
    services: Services, api: FakeBotApi
) -> None:
    pid = await linked_patient(services, 5001)
    await enqueue(services, "t", *[(pid, f"m{i}", Priority.ROUTINE) for i in range(3)])
    api.fail_next(5001, RateLimited(0.2))
    d = dispatcher(services, api)
    await d.run_until_idle()
    assert api.texts_to(5001) == ["m0", "m0", "m1", "m2"]
    assert api.calls[1][2] - api.calls[0][2] >= 0.19
    assert d.stats["rate_limited"] == 1


async def test_server_errors_are_retried_then_failed_and_the_team_told(
    services: Services, api: FakeBotApi
) -> None:
    pid = await linked_patient(services, 5001)
    (mid,) = await enqueue(services, "t", (pid, "hello", Priority.ROUTINE))
    api.fail_next(5001, Transient("500"), Transient("502"), Transient("timeout"))
    await dispatcher(services, api).run_until_idle()
    assert await status_of(services, mid) is DeliveryStatus.FAILED
    async with services.store.uow() as uow:
        escalations = await uow.escalations.find(patient_ids=[pid])
    assert [e.rule for e in escalations] == ["delivery_failed"]


async def test_a_transient_error_then_success_sends_once(
    services: Services, api: FakeBotApi
) -> None:
    pid = await linked_patient(services, 5001)
    (mid,) = await enqueue(services, "t", (pid, "hello", Priority.ROUTINE))
    api.fail_next(5001, Transient("502"))
    await dispatcher(services, api).run_until_idle()
    assert api.texts_to(5001) == ["hello", "hello"]  # first attempt failed, second delivered
    async with services.store.uow() as uow:
        row = await uow.outbox.get(mid)
    assert row is not None and row.status is DeliveryStatus.SENT and row.attempts == 2


async def test_a_403_marks_the_patient_unreachable_without_retrying(
    services: Services, api: FakeBotApi
) -> None:
    pid = await linked_patient(services, 5001)
    ids = await enqueue(
        services, "t", (pid, "one", Priority.ROUTINE), (pid, "two", Priority.ROUTINE)
    )
    api.fail_next(5001, Unreachable("403 blocked"))
    await dispatcher(services, api).run_until_idle()
    assert api.texts_to(5001) == ["one"]
    assert [await status_of(services, i) for i in ids] == [
        DeliveryStatus.FAILED,
        DeliveryStatus.CANCELLED,
    ]
    async with services.store.uow() as uow:
        patient = await uow.patients.get(pid)
        escalations = await uow.escalations.find(patient_ids=[pid])
    assert patient is not None and patient.reachable is False
    assert [e.rule for e in escalations] == ["blocked_bot"]


async def test_a_bad_request_fails_at_once(services: Services, api: FakeBotApi) -> None:
    pid = await linked_patient(services, 5001)
    (mid,) = await enqueue(services, "t", (pid, "x", Priority.ROUTINE))
    api.fail_next(5001, Rejected("400 chat not found"))
    await dispatcher(services, api).run_until_idle()
    assert await status_of(services, mid) is DeliveryStatus.FAILED
    assert len(api.calls) == 1


async def test_an_edit_uses_the_telegram_id_of_its_original(
    services: Services, api: FakeBotApi
) -> None:
    pid = await linked_patient(services, 5001)
    now = services.clock.now()
    out = Outgoing("t", now)
    first = out.to_patient(pid, "question", purpose="test")
    out.edit_for_patient(pid, first.id, "question (answered)", purpose="test")
    async with services.store.uow() as uow:
        for message in out.messages:
            await uow.outbox.enqueue(message)
        await uow.commit()
    await dispatcher(services, api).run_until_idle()
    (_, edit) = api.calls
    assert edit[0] == "editMessageText" and edit[1]["message_id"] == 100
    assert "message_ref" not in edit[1]


async def test_messages_for_an_erased_patient_are_cancelled(
    services: Services, api: FakeBotApi
) -> None:
    pid = await linked_patient(services, 5001)
    (mid,) = await enqueue(services, "t", (pid, "x", Priority.ROUTINE))
    async with services.store.uow() as uow:
        patient = await uow.patients.get(pid)
        assert patient is not None
        await uow.patients.erase(patient, datetime.now(patient.created_at.tzinfo))
        await uow.commit()
    await dispatcher(services, api).run_until_idle()
    assert api.calls == []
    assert await status_of(services, mid) is DeliveryStatus.CANCELLED


async def test_staff_alerts_reach_the_linked_chat(services: Services, api: FakeBotApi) -> None:
    now = services.clock.now()
    staff = make_staff(now)
    async with services.store.uow() as uow:
        await uow.staff.add(staff)
        await uow.staff.link_telegram(staff.id, 7001)
        await uow.commit()
    out = Outgoing("t", now)
    out.to_staff(staff.id, "alert", purpose="alert")
    async with services.store.uow() as uow:
        await uow.outbox.enqueue(out.messages[0])
        await uow.commit()
    await dispatcher(services, api).run_until_idle()
    assert api.texts_to(7001) == ["alert"]


async def test_an_alert_that_keeps_failing_moves_on_to_the_next_person(
    services: Services, api: FakeBotApi
) -> None:
    now = services.clock.now()
    first, second = make_staff(now, "dr.first"), make_staff(now, "dr.second")
    team = make_team(now, "Relay Team")
    async with services.store.uow() as uow:
        await uow.teams.add(team)
        for chat, person in ((7101, first), (7102, second)):
            await uow.staff.add(person)
            await uow.staff.link_telegram(person.id, chat)
            await uow.teams.add_member(team.id, person.id, now)
        await uow.commit()
    pid = await linked_patient(services, 5001)
    async with services.store.uow() as uow:
        patient = await uow.patients.get(pid)
        assert patient is not None
        await uow.patients.update(replace(patient, team_id=team.id))
        out = Outgoing("t", now)
        await services.escalations.raise_findings(
            uow,
            replace(patient, team_id=team.id),
            [Finding("craving_high", Level.URGENT, "craving 9")],
            out,
            source="test",
        )
        for message in out.messages:
            await uow.outbox.enqueue(message)
        await uow.commit()
    api.fail_next(7101, Transient("500"), Transient("502"), Transient("500"))
    await dispatcher(services, api).run_until_idle()
    # three attempts failed (max_attempts is 3 here); the second person is alerted at once
    # rather than at the 30-minute deadline, and the first is not alerted again from here
    assert len(api.texts_to(7101)) == 3
    assert [t.split("\n")[0] for t in api.texts_to(7102)] == ["🔔 Alert E-1 · URGENT"]
