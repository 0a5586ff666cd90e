"""A patient's history of check-ins, coping and an alert, for the commands that read it.

``seed_history`` writes, as the bot would have: a plan (``PLAN``), a missed check-in, one
completed with high craving and a long free-text note (``LONG_NOTE``), one completed with
nothing to report, four coping sessions and an urgent escalation.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.domain.ids import new_id
from bot.domain.model import (
    Checkin,
    CheckinStatus,
    CopingSession,
    Escalation,
    EscalationStatus,
    Level,
)
from bot.services.ports import UnitOfWork
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
        async with clinic.store() as db:
            if with_plan:
                actor = await db.actor("dr.rivera")
                await db.services.plans.publish(actor, reference, PLAN, note=None, source="t.yaml")
            async with db.uow() as uow:
                patient = await db.patient(uow, reference)
                await add_checkins(uow, patient.id, ids, with_plan)
                await add_coping_and_alert(uow, patient.id, now)
                await uow.commit()

    asyncio.run(go())
    return ids


async def add_checkins(uow: UnitOfWork, patient_id: str, ids: History, with_plan: bool) -> None:
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


async def add_coping_and_alert(uow: UnitOfWork, patient_id: str, now: datetime) -> None:
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
