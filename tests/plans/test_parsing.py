"""What a valid plan text means once parsed."""

from __future__ import annotations

import pytest

from bot.domain.model import Level
from bot.plans.errors import PlanInvalid
from bot.plans.escalation import DEFAULT_ESCALATION, effective_escalation, threshold_overrides
from bot.plans.model import (
    DAYS,
    OFF,
    CopingKind,
    CrisisInfo,
    QuestionKind,
    TriggerKind,
    WarningStage,
)
from bot.plans.parser import parse_plan
from tests.plans.samples import FULL, MINIMAL

R = "reasons: [Stay well]\n"


def test_a_full_plan_reads_every_section() -> None:
    plan = parse_plan(FULL)

    assert plan.reasons[0] == "I want to see my daughter graduate."
    assert [t.id for t in plan.triggers] == ["payday", "old-crowd", "lonely"]
    assert plan.triggers[1].coping == ("leave", "call-sam")
    assert plan.triggers[0].kind is TriggerKind.EVENT
    assert plan.warning_signs[1].stage is WarningStage.MENTAL and plan.warning_signs[1].escalate
    assert plan.coping[0].kind is CopingKind.BREATHING and len(plan.coping[0].steps) == 2
    assert plan.coping[2].kind is CopingKind.LEAVE_SITUATION and plan.coping[2].steps == ()
    assert plan.supports[0].contact == "555 0100"
    assert plan.professionals[0].role == "Counsellor"
    assert plan.after_a_slip is not None and plan.after_a_slip.steps[-1] == "Call Sam."
    assert plan.high_risk_times[0].days == ("fri",)


def test_the_plan_keeps_its_source_text_with_comments() -> None:
    assert "# in Alex's words" in parse_plan(FULL).text


def test_without_a_checkin_section_the_default_checkin_applies() -> None:
    plan = parse_plan(FULL)

    assert plan.checkin_is_default
    assert [q.id for q in plan.checkin] == ["craving", "mood", "triggers", "use", "confidence"]


def test_the_default_checkin_leaves_out_triggers_when_the_plan_has_none() -> None:
    assert [q.id for q in parse_plan(MINIMAL).checkin] == ["craving", "mood", "use", "confidence"]


def test_a_builtin_question_written_by_name_gets_its_default_prompt_and_scale() -> None:
    (question,) = parse_plan(R + "checkin: [sleep]\n").checkin

    assert question.kind is QuestionKind.SLEEP
    assert (question.minimum, question.maximum) == (0, 10)
    assert question.prompt == "How well did you sleep last night?"


def test_a_builtin_question_may_have_its_own_prompt() -> None:
    plan = parse_plan(R + "checkin:\n  - kind: mood\n    prompt: How are you feeling?\n")

    assert plan.checkin[0].prompt == "How are you feeling?"
    assert not plan.checkin_is_default


def test_custom_questions_read_their_settings() -> None:
    text = R + (
        "checkin:\n"
        "  - {id: energy, kind: scale, prompt: 'Energy?', min: 1, max: 5, "
        "labels: {1: drained, 5: full}}\n"
        "  - {id: feel, kind: choice, prompt: 'Feeling?', options: [calm, tense], multiple: true}\n"
        "  - {id: meeting, kind: yesno, prompt: Did you go to a meeting}\n"
        "  - {id: note, kind: text, prompt: Anything else}\n"
    )

    energy, feel, meeting, note = parse_plan(text).checkin

    assert (energy.minimum, energy.maximum, energy.labels) == (1, 5, ((1, "drained"), (5, "full")))
    assert feel.options == ("calm", "tense") and feel.multiple
    assert meeting.kind is QuestionKind.YESNO and not meeting.optional
    assert note.kind is QuestionKind.TEXT and note.optional


def test_a_scale_without_bounds_runs_from_0_to_10() -> None:
    plan = parse_plan(R + "checkin:\n  - {id: hope, kind: scale, prompt: Hope}\n")

    assert (plan.checkin[0].minimum, plan.checkin[0].maximum) == (0, 10)


@pytest.mark.parametrize(
    ("written", "read"),
    [("'*'", DAYS), ("[sun, mon]", ("mon", "sun")), ("['*']", DAYS)],
)
def test_days_are_read_in_week_order(written: str, read: tuple[str, ...]) -> None:
    text = R + f"high_risk_times:\n  - {{label: Late, days: {written}, time: '22:00'}}\n"

    assert parse_plan(text).high_risk_times[0].days == read


@pytest.mark.parametrize(("written", "read"), [("'9:05'", "09:05"), ("18:30", "18:30")])
def test_times_are_read_as_written_even_unquoted(written: str, read: str) -> None:
    text = R + f"high_risk_times:\n  - {{label: Late, days: [fri], time: {written}}}\n"

    assert parse_plan(text).high_risk_times[0].time == read


def test_texts_that_look_like_numbers_or_booleans_read_as_written() -> None:
    text = R + "supports:\n  - {name: yes, contact: 07700900123}\n"

    (person,) = parse_plan(text).supports

    assert (person.name, person.contact) == ("yes", "07700900123")


def test_an_empty_optional_section_means_no_items() -> None:
    plan = parse_plan(R + "triggers:\ncoping: []\n")

    assert plan.triggers == () and plan.coping == ()


def test_a_plan_crisis_section_may_set_only_the_emergency_number() -> None:
    plan = parse_plan(R + "crisis:\n  emergency: '112'\n")

    assert plan.crisis == CrisisInfo(lines=(), emergency="112")


def test_escalation_overrides_apply_on_top_of_the_defaults() -> None:
    text = R + (
        "warning_signs:\n  - {id: hopeless, text: Nothing will change, escalate: true}\n"
        "  - {id: alone, text: I hide away}\n"
        "escalation:\n"
        "  craving_at_least: 6\n"
        "  silence_days: off\n"
        "  warning_signs: [alone]\n"
        "  levels: {craving: crisis}\n"
    )

    rules = effective_escalation(parse_plan(text))

    assert rules.craving_at_least == 6 and rules.craving_level is Level.CRISIS
    assert rules.silence_days is None
    assert rules.confidence_at_most == DEFAULT_ESCALATION.confidence_at_most
    assert rules.warning_signs == {"hopeless", "alone"}


def test_false_switches_a_numeric_rule_off_like_off() -> None:
    plan = parse_plan(R + "escalation:\n  missed_in_a_row: false\n")

    assert plan.escalation.missed_in_a_row == OFF


def test_the_deployment_defaults_are_data_with_reasons() -> None:
    table = {rule.key: rule for rule in DEFAULT_ESCALATION.rules()}

    assert table["craving"].level is Level.URGENT and "8 or more" in table["craving"].reason
    assert table["any_use"].level is Level.URGENT
    assert table["confidence"].level is Level.WARN and "3 or less" in table["confidence"].reason
    assert table["missed"].level is Level.WARN and "3 check-ins" in table["missed"].reason
    assert table["silence"].level is Level.WARN and "4 days" in table["silence"].reason


def test_threshold_overrides_name_only_what_the_plan_sets() -> None:
    text = R + (
        "warning_signs:\n  - {id: hopeless, text: Nothing will change, escalate: true}\n"
        "escalation:\n  craving_at_least: 7\n  silence_days: off\n  levels: {any_use: crisis}\n"
    )

    assert threshold_overrides(parse_plan(text)) == {
        "craving_at_least": 7,
        "silence_days": None,
        "always_escalate_warning_signs": frozenset({"hopeless"}),
        "use_level": Level.CRISIS,
    }


@pytest.mark.parametrize("section", ["triggers", "after_a_slip", "checkin", "escalation", "crisis"])
def test_an_optional_section_with_nothing_after_it_is_as_if_left_out(section: str) -> None:
    assert parse_plan(R + f"{section}:\n") == parse_plan(R)


def test_an_explicitly_empty_checkin_is_refused() -> None:
    with pytest.raises(PlanInvalid):
        parse_plan(R + "checkin: []\n")


def test_a_long_warning_sign_asked_in_the_checkin_uses_its_label_on_the_button() -> None:
    text = R + (
        "warning_signs:\n"
        "  - id: alone\n"
        "    text: I stay in bed all day and stop answering anyone who calls or writes\n"
        "    label: Staying in bed\n"
        "checkin: [mood, warning_signs]\n"
    )

    (sign,) = parse_plan(text).warning_signs

    assert sign.button_label == "Staying in bed"
