"""The FHIR R4 mapping: a self-contained collection Bundle whose answers fit their questions.

``fhir_problems`` is a small structural validator (not a full FHIR validator): every
resource has a type and its required fields, every reference resolves to a ``fullUrl`` in
the bundle, each response names a Questionnaire of the bundle, and each answer's
``value[x]`` fits its question's item type. The CLI export tests use it too.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.domain.model import (
    Answer,
    CareTeam,
    Checkin,
    CheckinStatus,
    Patient,
    PatientStatus,
    PlanVersion,
)
from bot.plans.parser import parse_plan
from bot.services.fhir import NONE_CODE, TRIGGER_SYSTEM, to_bundle
from bot.services.reviews import CheckinView, PatientReview, PlanRecord, describe
from tests.services.fhir_checks import PLAN, fhir_problems

NOW = datetime(2025, 3, 14, 18, 0, tzinfo=UTC)


def review_of(answers: dict[str, list[object]], statuses: list[CheckinStatus]) -> PatientReview:
    patient = Patient(
        id="p1",
        reference="P-0042",
        team_id="t1",
        status=PatientStatus.ACTIVE,
        timezone="Europe/London",
        created_at=NOW - timedelta(days=60),
        updated_at=NOW,
        name="Rowan Ember",
    )
    stored = PlanVersion("p1", 1, PLAN, NOW - timedelta(days=30))
    plans = (PlanRecord(stored, parse_plan(PLAN)),)
    bare = PatientReview(patient, CareTeam("t1", "Harbor Team", NOW), None, NOW, plans, (), (), ())
    questions = ["craving", "triggers", "use", "feeling", "note"]
    views = []
    for n, status in enumerate(statuses):
        due = NOW - timedelta(days=len(statuses) - n)
        done = status is CheckinStatus.COMPLETED
        checkin = Checkin(
            f"c{n}",
            "p1",
            due,
            "scheduled",
            status,
            due,
            plan_version=1,
            completed_at=due if done else None,
        )
        given = answers.get(checkin.id, []) if done else []
        views.append(
            CheckinView(
                checkin,
                tuple(
                    describe(bare, 1, Answer(questions[i], i, value, due))
                    for i, value in enumerate(given)
                ),
                (),
            )
        )
    return PatientReview(patient, bare.team, None, NOW, plans, tuple(views), (), ())


FULL = {"c0": [7, ["payday", "alone"], True, "tense", "rough night"], "c1": [2, [], False, "calm"]}


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_the_bundle_passes_the_structural_checks() -> None:
    bundle = to_bundle(review_of(FULL, [CheckinStatus.COMPLETED] * 2), now=NOW)
    assert fhir_problems(bundle) == []


def test_the_validator_catches_a_dangling_reference_and_a_wrong_value_type() -> None:
    bundle = to_bundle(review_of(FULL, [CheckinStatus.COMPLETED] * 2), now=NOW)
    response = resources(bundle, "QuestionnaireResponse")[0]
    response["subject"] = {"reference": "urn:uuid:00000000-0000-0000-0000-000000000000"}
    response["item"][0]["answer"] = [{"valueString": "7"}]
    problems = fhir_problems(bundle)
    assert any("does not resolve" in p for p in problems)
    assert any("answer ['valueString'] for a integer question" in p for p in problems)


def test_the_patient_is_identified_by_reference_only() -> None:
    bundle = to_bundle(review_of({}, []), now=NOW)
    (patient,) = resources(bundle, "Patient")
    assert patient["identifier"][0]["value"] == "P-0042"
    assert "name" not in patient and "Rowan" not in str(bundle)


def test_the_plan_becomes_an_active_care_plan_with_coping_activities() -> None:
    (plan,) = resources(to_bundle(review_of({}, []), now=NOW), "CarePlan")
    assert (plan["status"], plan["intent"]) == ("active", "plan")
    assert "keep my job at the bakery" in plan["description"]
    assert [a["detail"]["code"]["text"] for a in plan["activity"]] == ["A walk round the block"]


def test_only_completed_checkins_become_responses() -> None:
    statuses = [CheckinStatus.MISSED, CheckinStatus.COMPLETED, CheckinStatus.EXPIRED]
    bundle = to_bundle(review_of({"c1": FULL["c0"]}, statuses), now=NOW)
    (response,) = resources(bundle, "QuestionnaireResponse")
    assert response["status"] == "completed"
    assert response["authored"] == (NOW - timedelta(days=2)).isoformat()


@pytest.mark.parametrize(
    ("link_id", "expected"),
    [
        ("craving", [{"valueInteger": 7}]),
        ("use", [{"valueBoolean": True}]),
        ("note", [{"valueString": "rough night"}]),
        (
            "feeling",
            [
                {
                    "valueCoding": {
                        "system": "urn:relapse-companion:choice:feeling",
                        "code": "1",
                        "display": "tense",
                    }
                }
            ],
        ),
        (
            "triggers",
            [
                {"valueCoding": {"system": TRIGGER_SYSTEM, "code": "payday", "display": "Payday"}},
                {
                    "valueCoding": {
                        "system": TRIGGER_SYSTEM,
                        "code": "alone",
                        "display": "Evenings alone",
                    }
                },
            ],
        ),
    ],
)
def test_each_answer_has_the_value_type_of_its_question(
    link_id: str, expected: list[dict[str, Any]]
) -> None:
    bundle = to_bundle(review_of(FULL, [CheckinStatus.COMPLETED]), now=NOW)
    (response,) = resources(bundle, "QuestionnaireResponse")
    items = {i["linkId"]: i["answer"] for i in response["item"]}
    assert items[link_id] == expected


def test_none_of_these_is_coded_and_a_skipped_question_is_left_out() -> None:
    bundle = to_bundle(review_of(FULL, [CheckinStatus.COMPLETED] * 2), now=NOW)
    second = resources(bundle, "QuestionnaireResponse")[1]
    items = {i["linkId"]: i["answer"] for i in second["item"]}
    assert items["triggers"][0]["valueCoding"]["code"] == NONE_CODE
    assert "note" not in items


def test_the_questionnaire_offers_scales_bounds_and_trigger_options() -> None:
    (questionnaire,) = resources(to_bundle(review_of({}, []), now=NOW), "Questionnaire")
    items = {i["linkId"]: i for i in questionnaire["item"]}
    assert [e["valueInteger"] for e in items["craving"]["extension"]] == [0, 10]
    assert [o["valueCoding"]["code"] for o in items["triggers"]["answerOption"]] == [
        "payday",
        "alone",
        NONE_CODE,
    ]
    assert items["triggers"]["repeats"] is True and items["feeling"]["repeats"] is False
    assert items["note"]["required"] is False and items["craving"]["required"] is True


def test_full_urls_are_stable_between_exports_of_the_same_data() -> None:
    review = review_of(FULL, [CheckinStatus.COMPLETED] * 2)
    first = [e["fullUrl"] for e in to_bundle(review, now=NOW)["entry"]]
    later = [e["fullUrl"] for e in to_bundle(review, now=NOW + timedelta(hours=1))["entry"]]
    assert first == later
