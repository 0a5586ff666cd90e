"""After a reported use: thanks, then the plan's own words about a slip when it has them,
else ours; never both saying the same thing, and never an internal name."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from bot.domain.model import Patient, PatientStatus
from bot.domain.risk import CheckinAnswers, Signals
from bot.plans.parser import parse_plan
from bot.plans.templates import template_names, template_text
from bot.services import texts
from bot.services.checkin_followup import follow_up
from bot.services.outgoing import Outgoing

NOW = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
NO_MESSAGE = "reasons: [Stay well]\nafter_a_slip:\n  steps: [Call Sam]\n"


def slip_text(plan_text: str) -> str:
    patient = Patient(
        id="a" * 32,
        reference="P-0001",
        team_id="t" * 32,
        status=PatientStatus.ACTIVE,
        timezone="UTC",
        created_at=NOW,
        updated_at=NOW,
    )
    out = Outgoing("test", NOW)
    signals = Signals(checkin=CheckinAnswers(used=True))
    follow_up(patient, parse_plan(plan_text), signals, None, None, False, out)
    (message,) = [m for m in out.messages if m.purpose == "after-slip"]
    return str(message.payload["text"])


@pytest.mark.parametrize(
    "name", [n for n in template_names() if "after_a_slip:" in template_text(n)]
)
def test_a_templates_slip_message_is_not_repeated_by_ours(name: str) -> None:
    text = slip_text(template_text(name))
    assert text.startswith(texts.AFTER_SLIP_INTRO + "\n\n")
    assert texts.AFTER_SLIP_REFRAME not in text  # the template's own message says it


def test_a_plan_without_its_own_message_gets_ours() -> None:
    text = slip_text(NO_MESSAGE)
    assert text.startswith(f"{texts.AFTER_SLIP_INTRO}\n{texts.AFTER_SLIP_REFRAME}\n\n1. Call Sam")


@pytest.mark.parametrize("name", template_names())
def test_the_slip_text_names_no_internal_code(name: str) -> None:
    text = slip_text(template_text(name))  # a template without the section: our steps
    assert not re.search(r"\b[a-z]+_[a-z_]+\b|texts\.|AFTER_SLIP", text), text
