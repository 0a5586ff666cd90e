"""A patient's review as a FHIR R4 ``Bundle`` (type ``collection``). Pure: no I/O.

Entries, in order: the ``Patient`` (identifier = our reference, no name: the receiving
record system already knows who P-0042 is, and the file then identifies no one by
itself), the current plan as a ``CarePlan``, one ``Questionnaire`` per plan version whose
check-in questions were answered (plus the current one), and each completed check-in as a
``QuestionnaireResponse``. Every ``fullUrl`` is a ``urn:uuid:`` derived from our row ids
(stable across exports of the same data), every ``reference`` points at one of them, and
each response's ``questionnaire`` canonical is the url of a ``Questionnaire`` in the bundle.
Escalations, coping sessions and unfinished check-ins are in the JSON export, not here.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from bot.domain.model import CheckinStatus, PatientStatus
from bot.plans.model import CheckinQuestion, Plan, QuestionKind
from bot.services.checkin_pads import NONE_VALUE, SCALE_KINDS
from bot.services.reviews import (
    AnswerView,
    CheckinView,
    PatientReview,
    PlanRecord,
)

Resource = dict[str, Any]

SYSTEM = "urn:relapse-companion"
PATIENT_REFERENCE_SYSTEM = f"{SYSTEM}:patient-reference"
TRIGGER_SYSTEM = f"{SYSTEM}:trigger"  # codes: the plan's trigger ids
WARNING_SIGN_SYSTEM = f"{SYSTEM}:warning-sign"  # codes: the plan's warning-sign ids
COPING_KIND_SYSTEM = f"{SYSTEM}:coping-kind"
NONE_CODE = "none"
NONE_DISPLAY = "None of these"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
_NAMESPACE = uuid.UUID("6f1c3a52-2b7e-4d0e-9a57-3c1b0c2f9e11")

ITEM_TYPES: dict[QuestionKind, str] = {
    QuestionKind.CRAVING: "integer",
    QuestionKind.MOOD: "integer",
    QuestionKind.CONFIDENCE: "integer",
    QuestionKind.SLEEP: "integer",
    QuestionKind.SCALE: "integer",
    QuestionKind.USE: "boolean",
    QuestionKind.YESNO: "boolean",
    QuestionKind.TRIGGERS: "choice",
    QuestionKind.WARNING_SIGNS: "choice",
    QuestionKind.CHOICE: "choice",
    QuestionKind.TEXT: "text",
}
ACTIVE_STATUSES = frozenset(
    {PatientStatus.INVITED, PatientStatus.ONBOARDING, PatientStatus.ACTIVE, PatientStatus.PAUSED}
)


def urn(kind: str, key: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{kind}:{key}')}"


def instant(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def to_bundle(review: PatientReview, *, now: datetime) -> Resource:
    """The whole bundle; ``now`` is its timestamp."""
    patient_url = urn("patient", review.patient.id)
    entries: list[Resource] = [{"fullUrl": patient_url, "resource": patient_resource(review)}]
    current = review.current_plan
    if current is not None:
        entries.append(
            {
                "fullUrl": urn("careplan", f"{review.patient.id}:{current.version}"),
                "resource": care_plan(current, patient_url),
            }
        )
    completed = [v for v in review.checkins if v.checkin.status is CheckinStatus.COMPLETED]
    versions: list[int | None] = [] if current is None else [current.version]
    for view in completed:
        if view.checkin.plan_version not in versions:
            versions.append(view.checkin.plan_version)
    for version in versions:
        url = questionnaire_url(review, version)
        entries.append({"fullUrl": url, "resource": questionnaire(review, version, url)})
    for view in completed:
        entries.append(
            {
                "fullUrl": urn("checkin", view.checkin.id),
                "resource": questionnaire_response(review, view, patient_url),
            }
        )
    return {
        "resourceType": "Bundle",
        "identifier": {
            "system": "urn:ietf:rfc:3986",
            "value": urn("export", f"{review.patient.id}:{instant(now)}"),
        },
        "type": "collection",
        "timestamp": instant(now),
        "entry": entries,
    }


def patient_resource(review: PatientReview) -> Resource:
    return {
        "resourceType": "Patient",
        "identifier": [
            {"use": "usual", "system": PATIENT_REFERENCE_SYSTEM, "value": review.patient.reference}
        ],
        "active": review.patient.status in ACTIVE_STATUSES,
    }


def care_plan(record: PlanRecord, patient_url: str) -> Resource:
    plan = record.plan
    resource: Resource = {
        "resourceType": "CarePlan",
        "status": "active",
        "intent": "plan",
        "title": f"Relapse-prevention plan, version {record.version}",
        "subject": {"reference": patient_url},
        "created": instant(record.stored.created_at),
    }
    if plan.reasons:
        resource["description"] = "Reasons for recovery: " + "; ".join(plan.reasons)
    activities = []
    for strategy in plan.coping:
        detail: Resource = {
            "code": {
                "coding": [{"system": COPING_KIND_SYSTEM, "code": strategy.kind.value}],
                "text": strategy.title,
            },
            "status": "in-progress",
            "description": " ".join([strategy.title + ".", *strategy.steps]).strip(),
        }
        activities.append({"detail": detail})
    if activities:
        resource["activity"] = activities
    return resource


def questionnaire_url(review: PatientReview, version: int | None) -> str:
    return urn("questionnaire", f"{review.patient.id}:{version}")


def questionnaire(review: PatientReview, version: int | None, url: str) -> Resource:
    plan = review.plan(version)
    label = "the default check-in" if version is None else f"plan version {version}"
    resource: Resource = {
        "resourceType": "Questionnaire",
        "url": url,
        "name": f"CheckinV{version or 0}",
        "title": f"Check-in questions, {label}",
        "status": "active",
        "subjectType": ["Patient"],
        "item": [question_item(q, plan) for q in review.questions(version)],
    }
    if version is not None:
        resource["version"] = str(version)
    return resource


def question_item(question: CheckinQuestion, plan: Plan) -> Resource:
    item: Resource = {
        "linkId": question.id,
        "text": question.prompt,
        "type": ITEM_TYPES[question.kind],
        "required": not (question.optional or question.kind is QuestionKind.TEXT),
    }
    if question.kind in SCALE_KINDS:
        low = 0 if question.minimum is None else question.minimum
        high = 10 if question.maximum is None else question.maximum
        item["extension"] = [
            {"url": MIN_VALUE, "valueInteger": low},
            {"url": MAX_VALUE, "valueInteger": high},
        ]
    options = choice_codings(question, plan)
    if options:
        item["answerOption"] = [{"valueCoding": c} for c in options]
        item["repeats"] = question.kind is not QuestionKind.CHOICE or question.multiple
    return item


def choice_codings(question: CheckinQuestion, plan: Plan) -> list[Resource]:
    if question.kind is QuestionKind.TRIGGERS:
        return [
            {"system": TRIGGER_SYSTEM, "code": t.id, "display": t.label} for t in plan.triggers
        ] + [{"system": TRIGGER_SYSTEM, "code": NONE_CODE, "display": NONE_DISPLAY}]
    if question.kind is QuestionKind.WARNING_SIGNS:
        return [
            {"system": WARNING_SIGN_SYSTEM, "code": s.id, "display": s.button_label}
            for s in plan.warning_signs
        ] + [{"system": WARNING_SIGN_SYSTEM, "code": NONE_CODE, "display": NONE_DISPLAY}]
    if question.kind is QuestionKind.CHOICE:
        system = choice_system(question)
        return [
            {"system": system, "code": str(i), "display": option}
            for i, option in enumerate(question.options)
        ]
    return []


def choice_system(question: CheckinQuestion) -> str:
    return f"{SYSTEM}:choice:{question.id}"


def questionnaire_response(review: PatientReview, view: CheckinView, patient_url: str) -> Resource:
    checkin = view.checkin
    version = checkin.plan_version
    questions = {q.id: q for q in review.questions(version)}
    plan = review.plan(version)
    items = []
    for answer in view.answers:
        question = questions.get(answer.question_id)
        if question is None or answer.value is None:
            continue  # skipped, or asked by a question the version does not have
        values = answer_values(question, plan, answer)
        if values:
            items.append({"linkId": question.id, "text": question.prompt, "answer": values})
    resource: Resource = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": questionnaire_url(review, version),
        "status": "completed",
        "subject": {"reference": patient_url},
        "authored": instant(checkin.completed_at or checkin.due_at),
    }
    if items:
        resource["item"] = items
    return resource


def answer_values(question: CheckinQuestion, plan: Plan, answer: AnswerView) -> list[Resource]:
    """Answers with the value[x] the item type calls for; a mismatched value is left out."""
    value = answer.value
    kind = question.kind
    item_type = ITEM_TYPES[kind]
    if item_type == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
        return [{"valueInteger": value}] if ok else []
    if item_type == "boolean":
        return [{"valueBoolean": value}] if isinstance(value, bool) else []
    if item_type == "text":
        return [{"valueString": str(value)}]
    codings = {c["code"]: c for c in choice_codings(question, plan)}
    if kind is QuestionKind.CHOICE:
        picked = value if isinstance(value, list) else [value]
        out = []
        for option in (str(v) for v in picked):
            index = question.options.index(option) if option in question.options else None
            coding = (
                codings[str(index)]
                if index is not None
                else {"system": choice_system(question), "display": option}
            )
            out.append({"valueCoding": coding})
        return out
    ids = [str(v) for v in value if str(v) != NONE_VALUE] if isinstance(value, list) else []
    system = TRIGGER_SYSTEM if kind is QuestionKind.TRIGGERS else WARNING_SIGN_SYSTEM
    if not ids:
        return [{"valueCoding": codings[NONE_CODE]}]
    return [{"valueCoding": codings.get(i, {"system": system, "code": i})} for i in ids]
