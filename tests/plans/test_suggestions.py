"""Patient suggestions, applied to the YAML text as the next version."""

from __future__ import annotations

import pytest

from bot.plans.diff import describe_changes, diff_plans
from bot.plans.errors import PlanInvalid, SuggestionNotApplicable
from bot.plans.model import TriggerKind
from bot.plans.parser import parse_plan
from bot.plans.suggestions import (
    AddCoping,
    AddSupport,
    AddTrigger,
    MarkNotHelping,
    Suggestion,
    SuggestionKind,
    apply_suggestion,
    check_suggestion,
    describe_suggestion,
    slug,
    suggestion_from_dict,
    suggestion_kind,
    suggestion_to_dict,
)
from bot.plans.templates import template_names, template_text
from tests.plans.samples import FULL, MINIMAL


def lines_kept(old: str, new: str) -> bool:
    """Every line of the old text is still in the new one, in the same order."""
    remaining = iter(new.splitlines())
    return all(any(line == other for other in remaining) for line in old.splitlines())


def test_an_added_trigger_is_appended_and_everything_else_is_kept() -> None:
    new = apply_suggestion(FULL, AddTrigger("Seeing ads on TV", TriggerKind.THING))

    plan = parse_plan(new)
    assert (plan.triggers[-1].id, plan.triggers[-1].label) == (
        "seeing-ads-on-tv",
        "Seeing ads on TV",
    )
    assert lines_kept(FULL, new)
    assert describe_changes(diff_plans(parse_plan(FULL), plan)) == [
        "Your plan has a new trigger: Seeing ads on TV"
    ]


def test_a_coping_idea_creates_the_section_when_the_plan_has_none() -> None:
    text = "reasons: [Stay well]  # kept\n"

    new = apply_suggestion(text, AddCoping("Play guitar"))

    assert new.startswith("reasons: [Stay well]  # kept\n")
    assert [(c.id, c.title) for c in parse_plan(new).coping] == [("play-guitar", "Play guitar")]


def test_a_person_is_added_to_a_list_written_in_brackets() -> None:
    text = "reasons: [Stay well]\nsupports: []\ncoping: []\n"

    new = apply_suggestion(text, AddSupport("Jordan Vale", "555 0123", "cousin"))

    (person,) = parse_plan(new).supports
    assert (person.name, person.contact, person.relationship) == (
        "Jordan Vale",
        "555 0123",
        "cousin",
    )
    assert new.endswith("coping: []\n")


def test_texts_with_yaml_characters_are_quoted_safely() -> None:
    label = "Payday: #cash & 'friends'"

    new = apply_suggestion(MINIMAL, AddTrigger(label, TriggerKind.EVENT))

    assert parse_plan(new).triggers[0].label == label


def test_ids_made_from_labels_do_not_clash() -> None:
    first = apply_suggestion(MINIMAL, AddCoping("Walk!"))

    second = apply_suggestion(first, AddCoping("Walk?"))

    assert [c.id for c in parse_plan(second).coping] == ["walk", "walk-2", "walk-3"]


def test_not_helping_takes_the_strategy_off_and_out_of_every_trigger() -> None:
    new = apply_suggestion(FULL, MarkNotHelping("call-sam"))

    plan = parse_plan(new)
    assert [c.id for c in plan.coping] == ["breathe", "leave"]
    coping_of = {t.id: t.coping for t in plan.triggers}
    assert coping_of == {"payday": ("breathe",), "old-crowd": ("leave",), "lonely": ()}
    assert "# in Alex's words" in new


def test_not_helping_for_the_only_strategy_leaves_an_empty_list() -> None:
    text = (
        "reasons: [Stay well]\ncoping:\n  - id: walk\n    title: Walk\n"
        "triggers:\n  - id: pay\n    label: Payday\n    kind: event\n    coping:\n      - walk\n"
    )

    plan = parse_plan(apply_suggestion(text, MarkNotHelping("walk")))

    assert plan.coping == () and plan.triggers[0].coping == ()


@pytest.mark.parametrize("name", template_names())
def test_every_suggestion_applies_to_every_template(name: str) -> None:
    text = template_text(name)
    coping_id = parse_plan(text).coping[0].id
    suggestions: list[Suggestion] = [
        AddTrigger("Long weekends", TriggerKind.EVENT),
        AddCoping("Cook something new"),
        AddSupport("Riley Moss", "555 0177"),
        MarkNotHelping(coping_id),
    ]

    for suggestion in suggestions:
        text = apply_suggestion(text, suggestion)

    plan = parse_plan(text)
    assert plan.trigger_by_id("long-weekends") is not None
    assert plan.coping_by_id(coping_id) is None
    assert plan.supports[-1].name == "Riley Moss"


@pytest.mark.parametrize(
    ("suggestion", "reason"),
    [
        (AddTrigger("payday", TriggerKind.EVENT), "already has this trigger"),
        (AddCoping("Call Sam"), "already has this coping strategy"),
        (AddSupport("Sam Okafor", "555 0100"), "already has this person"),
        (MarkNotHelping("juggling"), "no coping strategy 'juggling'"),
        (AddTrigger("   ", TriggerKind.EVENT), "the label is empty"),
        (AddCoping("x" * 61), "the title is too long"),
        (AddSupport("Sam\nOkafor", "555"), "must be one line"),
    ],
)
def test_a_suggestion_that_does_not_fit_is_refused(suggestion: Suggestion, reason: str) -> None:
    with pytest.raises(SuggestionNotApplicable) as raised:
        apply_suggestion(FULL, suggestion)

    assert reason in str(raised.value)


def test_a_suggestion_is_not_applied_to_an_invalid_plan() -> None:
    with pytest.raises(PlanInvalid):
        apply_suggestion("reasons: []\n", AddCoping("Walk"))


def test_check_suggestion_accepts_good_words() -> None:
    assert check_suggestion(AddSupport("Jordan", "555 0123", "friend")) == []


@pytest.mark.parametrize(
    "suggestion",
    [
        AddTrigger("Payday", TriggerKind.EVENT),
        AddCoping("Walk"),
        AddSupport("Jordan", "555 0123", "friend"),
        AddSupport("Jordan", "555 0123"),
        MarkNotHelping("breathe"),
    ],
)
def test_a_suggestion_survives_storage_as_kind_and_fields(suggestion: Suggestion) -> None:
    kind = suggestion_kind(suggestion)

    assert len(kind.value) <= 24  # plan_suggestions.kind is String(24)
    assert suggestion_from_dict(kind.value, suggestion_to_dict(suggestion)) == suggestion


def test_a_malformed_stored_suggestion_is_refused() -> None:
    with pytest.raises(SuggestionNotApplicable):
        suggestion_from_dict(SuggestionKind.ADD_TRIGGER.value, {"label": "Payday", "kind": "x"})


def test_a_suggestion_is_described_for_the_clinician() -> None:
    assert describe_suggestion(AddTrigger("Payday", TriggerKind.EVENT)) == (
        "Add trigger: 'Payday' (event)"
    )


def test_slugs_fall_back_when_a_label_has_no_latin_letters() -> None:
    assert slug("Зарплата", set(), "trigger") == "trigger"
    assert slug("Café au lait", {"cafe-au-lait"}, "coping") == "cafe-au-lait-2"


def test_a_section_created_by_a_suggestion_takes_the_next_one_too() -> None:
    text = apply_suggestion("reasons: [Stay well]\n", AddCoping("Play guitar"))

    text = apply_suggestion(text, AddCoping("Bake bread"))

    assert [c.title for c in parse_plan(text).coping] == ["Play guitar", "Bake bread"]


def test_items_written_in_braces_get_a_new_item_after_them() -> None:
    text = "reasons: [Stay well]\ntriggers:\n  - {id: pay, label: Payday, kind: event}  # note\n"

    new = apply_suggestion(text, AddTrigger("Fridays", TriggerKind.EVENT))

    assert new.startswith(text)
    assert [t.id for t in parse_plan(new).triggers] == ["pay", "fridays"]


def test_a_plan_without_a_final_line_break_still_gets_a_clean_new_line() -> None:
    text = "reasons: [Stay well]\ncoping:\n  - id: walk\n    title: Walk"

    new = apply_suggestion(text, AddCoping("Swim"))

    assert [c.id for c in parse_plan(new).coping] == ["walk", "swim"]


def test_a_multiline_text_before_the_new_item_stays_intact() -> None:
    text = (
        "reasons: [Stay well]\ncoping:\n  - id: walk\n    title: Walk\n    steps:\n"
        "      - |\n        Put on shoes.\n        Go out.\n\n# next\nsupports: []\n"
    )

    new = apply_suggestion(text, AddCoping("Swim"))

    plan = parse_plan(new)
    assert plan.coping[0].steps == ("Put on shoes.\nGo out.",)
    assert [c.id for c in plan.coping] == ["walk", "swim"]
    assert "# next\nsupports: []\n" in new


def test_a_plan_written_all_in_braces_is_not_edited_automatically() -> None:
    with pytest.raises(SuggestionNotApplicable) as raised:
        apply_suggestion("{reasons: [Stay well]}\n", AddCoping("Swim"))

    assert "cannot be edited automatically" in str(raised.value)
