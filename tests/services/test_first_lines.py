"""The first line of every message to a patient is what a locked phone shows: it never
names a substance, a craving, use, a slip, or anything from the patient's plan.

Table-driven over every text producer: the constants in ``bot.services.texts`` (filled in
with clinical words wherever the care team's or the plan's words go), the follow-ups
after a check-in, every check-in question of every plan template, and the plan itself
as /plan sends it.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime

import pytest

from bot.domain.model import Checkin, CheckinStatus, Patient, PatientStatus
from bot.domain.risk import CheckinAnswers, Signals
from bot.plans.checkin import BUILTIN_QUESTIONS
from bot.plans.crisis import default_crisis
from bot.plans.model import Plan
from bot.plans.parser import parse_plan
from bot.plans.render import (
    SECTION_TITLES,
    render_coping,
    render_section,
    render_trigger_help,
)
from bot.plans.templates import template_names, template_text
from bot.services import texts
from bot.services.checkin_followup import follow_up
from bot.services.checkin_pads import CheckinPads, question_text
from bot.services.outgoing import Outgoing
from bot.services.planbook import CurrentPlan
from bot.services.safety import crisis_text

NOW = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
SENSITIVE_WORDS = (
    "craving",
    "cravings",
    "crave",
    "urge",
    "urges",
    "use",
    "used",
    "drink",
    "drinks",
    "drinking",
    "drunk",
    "alcohol",
    "opioid",
    "opioids",
    "heroin",
    "methadone",
    "buprenorphine",
    "naloxone",
    "drug",
    "drugs",
    "substance",
    "overdose",
    "withdrawal",
    "relapse",
    "relapsed",
    "slip",
    "slipped",
    "sober",
    "sobriety",
)
SENSITIVE = re.compile(r"\b(" + "|".join(SENSITIVE_WORDS) + r")\b", re.IGNORECASE)
# where a template puts what the patient or the care team wrote
CLINICAL_FIELDS = {
    "triggers": "Walking past the pub on my way home",
    "note": "Let's talk about your drinking",
    "prompt": "How strong are your cravings right now?",
}
PLANS = {name: parse_plan(template_text(name)) for name in template_names()}


def plan_phrases() -> list[str]:
    """Trigger labels and warning signs of every template: the patient's own words."""
    phrases = set()
    for plan in PLANS.values():
        phrases |= {t.label for t in plan.triggers}
        phrases |= {s.text for s in plan.warning_signs}
        phrases |= {s.label for s in plan.warning_signs if s.label}
    return sorted(phrases)


PHRASES = plan_phrases()


def leaks(text: str) -> list[str]:
    """What the first line of ``text`` gives away (empty when nothing)."""
    first = text.split("\n", 1)[0]
    found = [m.group(0) for m in SENSITIVE.finditer(first)]
    return found + [p for p in PHRASES if p.lower() in first.lower()]


# --- the producers ---------------------------------------------------------------------


def filled(template: str) -> str:
    """The template with clinical words wherever clinical content goes, names elsewhere."""
    fields = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    return template.format(**{f: CLINICAL_FIELDS.get(f, "Sam") for f in fields})


def texts_of(owner: object, prefix: str) -> Iterator[tuple[str, str]]:
    for name, value in vars(owner).items():
        if not name[0].isupper():
            continue
        if isinstance(value, str):
            yield f"{prefix}.{name}", value
        elif isinstance(value, Mapping):
            for key, item in value.items():
                if isinstance(item, str):
                    yield f"{prefix}.{name}[{key}]", item
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                if isinstance(item, str):
                    yield f"{prefix}.{name}[{i}]", item


TEXTS = [
    *texts_of(texts, "texts"),
    *texts_of(texts.Supporters, "texts.Supporters"),
]


def patient() -> Patient:
    return Patient(
        id="a" * 32,
        reference="P-0001",
        team_id="t" * 32,
        status=PatientStatus.ACTIVE,
        timezone="UTC",
        created_at=NOW,
        updated_at=NOW,
    )


def follow_ups(plan: Plan, *, escalated: bool) -> list[tuple[str, str]]:
    """Everything a check-in can be followed by: slip, triggers met, low confidence, urge."""
    answers = CheckinAnswers(
        craving=10,
        mood=1,
        triggers=frozenset(t.id for t in plan.triggers),
        used=True,
        confidence=0,
        sleep=None,
        warning_signs=frozenset(s.id for s in plan.warning_signs),
    )
    out = Outgoing("test", NOW)
    follow_up(patient(), plan, Signals(checkin=answers), 10, 0, escalated, out)
    return [(f"{m.purpose}:{i}", str(m.payload["text"])) for i, m in enumerate(out.messages)]


class Signer:
    def tag(self, text: str) -> str:
        return "t" * 8


def question_texts(plan: Plan) -> list[tuple[str, str]]:
    questions = (*CurrentPlan(1, plan).questions, *BUILTIN_QUESTIONS.values())
    sources = ["plan"] * len(CurrentPlan(1, plan).questions) + ["builtin"] * len(BUILTIN_QUESTIONS)
    checkin = Checkin(
        id="c" * 32,
        patient_id="a" * 32,
        due_at=NOW,
        origin="patient",
        status=CheckinStatus.SENT,
        created_at=NOW,
    )
    found = []
    for position, question in enumerate(questions):
        text, _ = CheckinPads(Signer()).render(
            checkin, position, question, plan, len(questions), []
        )
        name = f"{sources[position]} {question.id}"
        found.append((name, text))
        found.append((f"{name} answered", question_text(position, len(questions), question)))
    return found


def plan_messages(plan: Plan) -> list[tuple[str, str]]:
    crisis = default_crisis("US")
    found = [
        (f"{section}:{i}", message)
        for section in SECTION_TITLES
        for i, message in enumerate(render_section(plan, section, crisis_default=crisis))
    ]
    found += [(f"coping {c.id}", m) for c in plan.coping for m in render_coping(c)]
    found += [
        (f"trigger {t.id}", m) for t in plan.triggers for m in render_trigger_help(plan, t.id)
    ]
    headers = (
        texts.SOS_HEADER,
        texts.CRISIS_TEXT_RESPONSE + "\n" + texts.SOS_HEADER,
        texts.EMERGENCY_STEPS,
    )
    for header in headers:
        found.append(
            ("crisis lines", crisis_text(crisis, plan, header=header.format(emergency="911")))
        )
    return found


def producers() -> Iterator[tuple[str, str]]:
    for name, template in TEXTS:
        yield name, filled(template)
    for plan_name, plan in PLANS.items():
        for escalated in (False, True):
            for name, text in follow_ups(plan, escalated=escalated):
                yield f"{plan_name} follow-up {name} escalated={escalated}", text
        for name, text in question_texts(plan):
            yield f"{plan_name} question {name}", text
        for name, text in plan_messages(plan):
            yield f"{plan_name} plan {name}", text


PRODUCED = list(producers())


@pytest.mark.parametrize(("name", "text"), PRODUCED, ids=[name for name, _ in PRODUCED])
def test_no_first_line_gives_away_health_details(name: str, text: str) -> None:
    assert leaks(text) == [], text.split("\n", 1)[0]


def test_the_walk_covers_every_producer() -> None:
    names = " ".join(name for name, _ in PRODUCED)
    assert len(PLANS) == 5
    for expected in (
        "texts.CHECKIN_COPING_INTRO",
        "texts.AFTER_SLIP_INTRO",
        "texts.PLAN_SUGGESTION_DECIDED[declined]",
        "texts.Supporters.CONFIRM_ACCOUNT",
        "texts.URGE_SURFING_STEPS[0]",
        "texts.EMERGENCY_STEPS",
        "alcohol follow-up coping:",
        "alcohol follow-up after-slip",
        "minimal follow-up after-slip",
        "opioids question plan use",
        "safety-plan question plan warning_signs",
        "minimal question builtin sleep answered",
        "relapse-prevention plan after_a_slip:0",
    ):
        assert expected in names


@pytest.mark.parametrize(
    "old",
    [
        "(1/5) How strong are your cravings right now?",
        "(4/5) Since your last check-in, have you used at all?",
        "You mentioned Walking past the pub on my way home. From your plan, these have helped:",
        "Thank you for being honest — that takes courage. A slip is information, not failure.",
        "Your care team looked at your suggestion: Let's talk about your drinking",
    ],
)
def test_the_check_catches_the_old_wording(old: str) -> None:
    assert leaks(old) != []


def test_health_words_on_the_second_line_are_allowed() -> None:
    assert leaks("Check-in (1/5)\nHow strong are your cravings right now?") == []
