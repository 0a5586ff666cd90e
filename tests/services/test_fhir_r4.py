"""Every resource of the FHIR export parses with a FHIR R4 library (``fhir.resources.R4B``).

Bundles from the plan of the FHIR tests, from a plan with every question kind (answers of
every shape, including "none of these", several choices, an option the plan no longer has
and a negative scale value), from each shipped template, and from before any plan.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from bot.domain.model import Answer, Checkin, CheckinStatus, PlanVersion
from bot.plans.parser import parse_plan
from bot.plans.templates import template_names, template_text
from bot.services.fhir import to_bundle
from bot.services.reviews import CheckinView, PatientReview, PlanRecord, describe
from tests.services.fhir_checks import fhir_problems, r4_problems
from tests.services.test_fhir import FULL, NOW, resources, review_of

EVERY_KIND = """\
reasons: [I want to keep my job at the bakery.]
triggers:
  - {id: payday, label: Payday, kind: event}
warning_signs:
  - {id: isolating, text: I stop answering messages and keep to myself., label: Isolating}
checkin:
  - craving
  - mood
  - triggers
  - warning_signs
  - use
  - confidence
  - sleep
  - {id: energy, kind: scale, prompt: 'Energy?', min: -2, max: 5, labels: {-2: drained, 5: full}}
  - {id: meeting, kind: yesno, prompt: 'Did you get to a meeting?'}
  - {id: feeling, kind: choice, prompt: 'Which fits?', options: [calm, tense, low], multiple: true}
  - {id: place, kind: choice, prompt: 'Where are you?', options: [home, work]}
  - {id: note, kind: text, prompt: 'Anything you want your team to know?', optional: true}
"""
ANSWERS = {  # question id -> the answer of each completed check-in, None: skipped
    "craving": [7, 0],
    "mood": [3, 10],
    "triggers": [["payday"], []],
    "warning_signs": [["isolating"], ["none"]],
    "use": [True, False],
    "confidence": [2, 9],
    "sleep": [4, 8],
    "energy": [-2, 5],
    "meeting": [False, True],
    "feeling": [["tense", "low"], ["calm"]],
    "place": ["work", "a friend's"],  # an option the plan no longer has
    "note": ["rough night, 3 am", None],
}


def review_from(plan_text: str | None, answers: dict[str, list[object]]) -> PatientReview:
    """Two completed check-ins and a missed one, asked from ``plan_text`` (None: no plan)."""
    base = review_of({}, [])
    plans = (
        ()
        if plan_text is None
        else (PlanRecord(PlanVersion("p1", 1, plan_text, NOW), parse_plan(plan_text)),)
    )
    bare = replace(base, plans=plans)
    version = None if plan_text is None else 1
    views = []
    for n, status in enumerate(
        [CheckinStatus.COMPLETED, CheckinStatus.MISSED, CheckinStatus.COMPLETED]
    ):
        due = NOW - timedelta(days=3 - n)
        done = status is CheckinStatus.COMPLETED
        checkin = Checkin(
            f"c{n}",
            "p1",
            due,
            "scheduled",
            status,
            due,
            plan_version=version,
            completed_at=due + timedelta(minutes=4) if done else None,
        )
        given = (
            [
                describe(bare, version, Answer(qid, i, values[n // 2], due))
                for i, (qid, values) in enumerate(answers.items())
            ]
            if done
            else []
        )
        views.append(CheckinView(checkin, tuple(given), ()))
    return replace(bare, checkins=tuple(views))


def test_the_bundle_of_the_fhir_tests_parses() -> None:
    assert r4_problems(to_bundle(review_of(FULL, [CheckinStatus.COMPLETED] * 2), now=NOW)) == []


def test_answers_to_every_question_kind_parse() -> None:
    bundle = to_bundle(review_from(EVERY_KIND, ANSWERS), now=NOW)
    assert r4_problems(bundle) == []
    assert fhir_problems(bundle) == []
    assert len(resources(bundle, "QuestionnaireResponse")) == 2
    (questionnaire,) = resources(bundle, "Questionnaire")
    assert [i["linkId"] for i in questionnaire["item"]] == list(ANSWERS)


@pytest.mark.parametrize("name", template_names())
def test_a_bundle_from_each_template_parses(name: str) -> None:
    text = template_text(name)
    questions = parse_plan(text).checkin
    sample: dict[str, object] = {"craving": 6, "mood": 4, "confidence": 5, "sleep": 7, "use": False}
    answers = {
        q.id: [sample.get(q.kind.value, True if q.kind.value == "yesno" else [])] * 2
        for q in questions
    }
    bundle = to_bundle(review_from(text, answers), now=NOW)
    assert r4_problems(bundle) == []
    assert [e["resource"]["resourceType"] for e in bundle["entry"]][:3] == [
        "Patient",
        "CarePlan",
        "Questionnaire",
    ]


def test_a_bundle_from_before_any_plan_parses() -> None:
    answers: dict[str, list[object]] = {"craving": [3, 4], "mood": [6, 5], "use": [False, False]}
    bundle = to_bundle(review_from(None, answers), now=NOW)
    assert r4_problems(bundle) == []
    assert "CarePlan" not in [e["resource"]["resourceType"] for e in bundle["entry"]]


@pytest.mark.parametrize(
    ("break_it", "expected"),
    [
        (lambda r: r.pop("status"), "status"),
        (lambda r: r.update(authored="2025-03-14T18:00:00"), "authored"),  # no offset
        (lambda r: r["item"][0]["answer"][0].update(valueString="7"), "answer"),  # two value[x]
        (lambda r: r.update(score=3), "score"),  # no such element
    ],
)
def test_the_library_check_catches_what_a_record_system_would_refuse(
    break_it: Callable[[dict[str, Any]], object], expected: str
) -> None:
    bundle = to_bundle(review_of(FULL, [CheckinStatus.COMPLETED]), now=NOW)
    (response,) = resources(bundle, "QuestionnaireResponse")
    break_it(response)
    problems = [p for p in r4_problems(bundle) if p.startswith("entry ")]
    assert problems and all("(QuestionnaireResponse)" in p for p in problems)
    assert any(expected in p for p in problems), problems
