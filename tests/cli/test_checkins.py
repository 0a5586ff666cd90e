"""`clinician checkins` against a real database, with a seeded history of check-ins."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.bootstrap import build_services, open_store
from bot.config import load_settings
from bot.domain.ids import new_id
from bot.domain.model import (
    Checkin,
    CheckinStatus,
    CopingSession,
    Escalation,
    EscalationStatus,
    Level,
)
from bot.services.access import load_actor
from tests.cli.conftest import Clinic

PLAN = """\
reasons:
  - I want to see my daughter graduate.
triggers:
  - id: payday
    label: Payday
    kind: event
    coping: [breathe]
  - id: argument
    label: An argument at home
    kind: event
coping:
  - id: breathe
    title: Slow breathing
    kind: breathing
    steps:
      - Breathe in for 4.
      - Breathe out for 6.
checkin:
  - craving
  - mood
  - triggers
  - use
  - {id: feeling, kind: choice, prompt: 'Which fits best?', options: [calm, tense, low]}
  - {id: note, kind: text, prompt: 'Anything you want your team to know?'}
"""

LONG_NOTE = "=felt shaky after the late shift and walked home the long way round tonight"


@dataclass(frozen=True)
class History:
    reference: str
    now: datetime
    high: str  # id of the completed check-in with high craving
    calm: str  # id of the completed check-in with nothing to report
    missed: str


def seed_history(clinic: Clinic, reference: str, *, with_plan: bool = True) -> History:
    """A plan, two completed check-ins, one missed, coping sessions and an escalation."""
    now = datetime.now(UTC).replace(microsecond=0)
    ids = History(reference, now, new_id(), new_id(), new_id())

    async def go() -> None:
        settings = load_settings(data_dir=clinic.root / "data")
        opened = await open_store(settings)
        try:
            services = build_services(opened.store, settings)
            async with opened.store.uow() as uow:
                actor = await load_actor(uow, "dr.rivera")
            if with_plan:
                await services.plans.publish(actor, reference, PLAN, note=None, source="t.yaml")
            async with opened.store.uow() as uow:
                patient = await uow.patients.by_reference(reference)
                assert patient is not None
                await add_checkins(uow, patient.id, ids, with_plan)
                await add_coping_and_alert(uow, patient.id, now)
                await uow.commit()
        finally:
            await opened.store.close()

    asyncio.run(go())
    return ids


async def add_checkins(uow: Any, patient_id: str, ids: History, with_plan: bool) -> None:
    now = ids.now
    version = 1 if with_plan else None
    answers = {
        ids.high: [8, 3, ["payday", "argument"], False, "tense", LONG_NOTE],
        ids.calm: [2, 7, [], False, "calm", None],
    }
    due = {ids.missed: now - timedelta(days=3), ids.high: now - timedelta(days=2)}
    due[ids.calm] = now - timedelta(days=1)
    for checkin_id, when in sorted(due.items(), key=lambda item: item[1]):
        done = checkin_id in answers
        checkin = Checkin(
            id=checkin_id,
            patient_id=patient_id,
            due_at=when,
            origin="scheduled",
            status=CheckinStatus.COMPLETED if done else CheckinStatus.MISSED,
            created_at=when,
            plan_version=version,
            completed_at=when + timedelta(minutes=5) if done else None,
            risk_level="urgent" if checkin_id == ids.high else None,
        )
        await uow.checkins.add(checkin)
        questions = ["craving", "mood", "triggers", "use", "feeling", "note"]
        for position, value in enumerate(answers.get(checkin_id, [])):
            if with_plan or questions[position] in ("craving", "mood", "use"):
                moment = when + timedelta(minutes=position + 1)
                await uow.checkins.record_answer(
                    checkin, questions[position], position, value, moment
                )
        if done:
            high = checkin_id == ids.high
            await uow.checkins.set_risk(
                checkin, checkin.risk_level, ["craving 8 ≥ 8"] if high else []
            )


async def add_coping_and_alert(uow: Any, patient_id: str, now: datetime) -> None:
    sessions = [
        ("urge_surfing", "urge_surfing", 8, 4, "yes"),
        ("urge_surfing", "urge_surfing", 6, 5, "some"),
        ("strategy", "breathe", None, None, "no"),
        ("strategy", "breathe", None, None, "some"),
    ]
    for i, (kind, strategy, before, after, helped) in enumerate(sessions):
        started = now - timedelta(days=2, hours=-i)
        await uow.coping.save(
            CopingSession(
                id=new_id(),
                patient_id=patient_id,
                kind=kind,
                status="done",
                started_at=started,
                strategy=strategy,
                before=before,
                after=after,
                helped=helped,
                finished_at=started + timedelta(minutes=5),
            )
        )
    created = now - timedelta(days=2) + timedelta(minutes=6)
    await uow.escalations.add(
        Escalation(
            id=new_id(),
            number=await uow.meta.next_number("escalation"),
            patient_id=patient_id,
            rule="craving_high",
            level=Level.URGENT,
            status=EscalationStatus.OPEN,
            reasons=("craving 8 ≥ 8",),
            created_at=created,
            updated_at=created,
        )
    )


def test_the_table_shows_answers_in_words_with_risk_and_reasons(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    seed_history(clinic, ref)
    out = clinic.ok("checkins", ref)
    assert f"{ref} check-ins (times in America/New_York)" in out
    for words in ("craving 8/10", "mood 3/10", "use: no", "feeling: tense", "urgent", "missed"):
        assert words in out
    assert "triggers: Payday, An argument" in out  # labels, not the plan's ids
    assert "craving 8 ≥ 8" in out
    assert "triggers: none" in out
    assert "note: skipped" in out
    assert LONG_NOTE not in out  # free text is shortened
    assert "2 of 3 completed." in out


def test_times_in_the_table_are_local_to_the_patient(clinic: Clinic) -> None:
    ref = clinic.add_patient(tz="Asia/Tokyo")
    history = seed_history(clinic, ref)
    out = clinic.ok("checkins", ref)
    tokyo = history.now - timedelta(days=1) + timedelta(hours=9)
    assert tokyo.strftime("%Y-%m-%d %H:%M") in out


def test_the_json_lists_each_checkin_with_raw_values_and_words(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    history = seed_history(clinic, ref)
    data = clinic.json("checkins", ref)
    assert data["patient"] == ref and data["timezone"] == "America/New_York"
    by_id = {c["id"]: c for c in data["checkins"]}
    assert [c["id"] for c in data["checkins"]] == [history.missed, history.high, history.calm]
    high = by_id[history.high]
    assert high["status"] == "completed" and high["risk_level"] == "urgent"
    assert high["risk_reasons"] == ["craving 8 ≥ 8"]
    assert high["due_local"].endswith(("-04:00", "-05:00"))
    triggers = next(a for a in high["answers"] if a["question_id"] == "triggers")
    assert triggers == {
        "question_id": "triggers",
        "kind": "triggers",
        "value": ["payday", "argument"],
        "text": "triggers: Payday, An argument at home",
        "answered_at": triggers["answered_at"],
    }
    assert by_id[history.missed]["answers"] == [] and by_id[history.missed]["status"] == "missed"


def test_since_leaves_out_earlier_checkins(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    history = seed_history(clinic, ref)
    since = (history.now - timedelta(days=1)).astimezone(ZoneInfo("America/New_York")).date()
    data = clinic.json("checkins", ref, "--since", since.isoformat())
    assert [c["id"] for c in data["checkins"]] == [history.calm]


def test_a_malformed_since_date_is_refused(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    result = clinic.run("checkins", ref, "--since", "last week")
    assert result.exit_code == 2
    assert "use YYYY-MM-DD" in result.output


def test_checkins_without_a_plan_are_read_with_the_default_questions(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    seed_history(clinic, ref, with_plan=False)
    out = clinic.ok("checkins", ref)
    assert "craving 8/10" in out and "use: no" in out


def test_a_patient_with_no_checkins_gets_a_plain_sentence(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    assert f"No check-ins for {ref} since" in clinic.ok("checkins", ref)


def test_reading_checkins_is_audited(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    clinic.ok("checkins", ref, as_="nurse.okafor")
    log = clinic.json("audit", "log", "--patient", ref)
    assert any(e["action"] == "checkin.list" and e["actor"] == "staff:nurse.okafor" for e in log)


def test_a_clinician_outside_the_team_is_refused_and_the_attempt_audited(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    seed_history(clinic, ref)
    result = clinic.run("checkins", ref, "--json", as_="dr.lindqvist")
    assert result.exit_code == 4
    assert "not in any of your care teams" in result.output
    assert "craving" not in result.output
    log = clinic.json("audit", "log", "--patient", ref)
    assert any(
        e["action"] == "denied:checkin.list" and e["actor"] == "staff:dr.lindqvist" for e in log
    )


def test_an_erased_patient_has_nothing_left_to_read(clinic: Clinic) -> None:
    ref = clinic.add_patient()
    seed_history(clinic, ref)
    clinic.ok("patient", "erase", ref, "--confirm", ref)
    result = clinic.run("checkins", ref)
    assert result.exit_code == 5
    assert "was erased" in result.output
