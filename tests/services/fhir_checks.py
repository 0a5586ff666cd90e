"""Structural FHIR R4 checks for tests: resource types, required fields, references, value types.

Not a full FHIR validator; enough to catch a bundle a receiving system would refuse.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
REQUIRED: dict[str, tuple[str, ...]] = {
    "Patient": ("identifier",),
    "CarePlan": ("status", "intent", "subject"),
    "Questionnaire": ("status", "url", "item"),
    "QuestionnaireResponse": ("status", "questionnaire", "subject", "authored"),
}
VALUE_TYPES: dict[str, tuple[str, type | tuple[type, ...]]] = {
    "integer": ("valueInteger", int),
    "boolean": ("valueBoolean", bool),
    "choice": ("valueCoding", dict),
    "text": ("valueString", str),
    "string": ("valueString", str),
}

PLAN = """\
reasons:
  - I want to keep my job at the bakery.
triggers:
  - {id: payday, label: Payday, kind: event}
  - {id: alone, label: Evenings alone, kind: feeling}
coping:
  - id: walk
    title: A walk round the block
    kind: movement
    steps: [Put on shoes., Walk for ten minutes.]
checkin:
  - craving
  - triggers
  - use
  - {id: feeling, kind: choice, prompt: 'Which fits best?', options: [calm, tense, low]}
  - {id: note, kind: text, prompt: 'Anything you want your team to know?'}
"""


# --- the validator ------------------------------------------------------------------------


def references(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["reference"]] if isinstance(node.get("reference"), str) else []
        return found + [r for value in node.values() for r in references(value)]
    if isinstance(node, list):
        return [r for value in node for r in references(value)]
    return []


def answer_problems(where: str, item: dict[str, Any], question: dict[str, Any]) -> list[str]:
    problems = []
    key, python_type = VALUE_TYPES[question["type"]]
    answers = item.get("answer", [])
    if len(answers) > 1 and not question.get("repeats", False):
        problems.append(f"{where}: {len(answers)} answers to a question that does not repeat")
    codes = {o["valueCoding"].get("code") for o in question.get("answerOption", [])}
    for answer in answers:
        keys = [k for k in answer if k.startswith("value")]
        if keys != [key]:
            problems.append(f"{where}: answer {keys} for a {question['type']} question")
            continue
        value = answer[key]
        if not isinstance(value, python_type) or (key == "valueInteger" and value is True):
            problems.append(f"{where}: {key} holds {type(value).__name__}")
        if key == "valueCoding" and "code" in value and value["code"] not in codes:
            problems.append(f"{where}: code {value['code']!r} is not an answerOption")
    return problems


def fhir_problems(bundle: dict[str, Any]) -> list[str]:
    """Everything structurally wrong with ``bundle`` (empty: it passes)."""
    problems = []
    if bundle.get("resourceType") != "Bundle" or bundle.get("type") != "collection":
        problems.append("not a collection Bundle")
    entries = bundle.get("entry", [])
    urls = [e.get("fullUrl", "") for e in entries]
    for url in urls:
        if not url.startswith("urn:uuid:"):
            problems.append(f"fullUrl {url!r} is not a urn:uuid")
        else:
            uuid.UUID(url.removeprefix("urn:uuid:"))
    if len(set(urls)) != len(urls):
        problems.append("fullUrls are not unique")
    questionnaires = {}
    for i, entry in enumerate(entries):
        resource = entry.get("resource", {})
        kind = resource.get("resourceType")
        if kind not in REQUIRED:
            problems.append(f"entry {i}: resourceType {kind!r}")
            continue
        problems += [f"{kind} {i}: no {f}" for f in REQUIRED[kind] if not resource.get(f)]
        if kind == "Questionnaire":
            questionnaires[resource.get("url")] = {q["linkId"]: q for q in resource["item"]}
            problems += [
                f"Questionnaire {i}: item without linkId or type"
                for q in resource["item"]
                if not q.get("linkId") or q.get("type") not in VALUE_TYPES
            ]
        if kind == "CarePlan":
            problems += [
                f"CarePlan {i}: activity without detail.status"
                for a in resource.get("activity", [])
                if not a.get("detail", {}).get("status")
            ]
    problems += [f"reference {r!r} does not resolve" for r in references(bundle) if r not in urls]
    for i, entry in enumerate(entries):
        resource = entry.get("resource", {})
        if resource.get("resourceType") != "QuestionnaireResponse":
            continue
        if not DATETIME.match(resource.get("authored", "")):
            problems.append(f"response {i}: authored is not a FHIR dateTime")
        questions = questionnaires.get(resource.get("questionnaire"))
        if questions is None:
            problems.append(f"response {i}: questionnaire is not in the bundle")
            continue
        for item in resource.get("item", []):
            question = questions.get(item.get("linkId"))
            if question is None:
                problems.append(f"response {i}: linkId {item.get('linkId')!r} not asked")
            else:
                problems += answer_problems(f"response {i} {item['linkId']}", item, question)
    return problems


# --- a hand-built review ------------------------------------------------------------------
