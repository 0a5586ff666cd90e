"""Validation: every rule has a malformed example; every error says where and what is valid."""

from __future__ import annotations

import pytest

from bot.plans.errors import PlanError, PlanInvalid
from bot.plans.parser import parse_plan, validate_plan
from tests.plans.malformed_corpus import CASES, Case


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_malformed_plan_gets_one_error_at_the_right_place(case: Case) -> None:
    errors = validate_plan(case.text, source="plan.yaml")

    assert len(errors) == 1, "\n".join(map(str, errors))
    error = errors[0]
    assert (f"{error.line}:{error.column}", error.path) == (case.where, case.path), str(error)
    assert case.says in error.message
    assert error.source == "plan.yaml"


def test_the_corpus_covers_at_least_25_rules() -> None:
    assert len({case.name for case in CASES}) == len(CASES) >= 25


def test_an_error_reads_file_line_column_path_and_message() -> None:
    error = PlanError("plan.yaml", 12, 5, "triggers[2].coping[0]", "unknown coping id 'walk'")

    assert str(error) == "plan.yaml:12:5: triggers[2].coping[0]: unknown coping id 'walk'"


def test_an_error_without_a_path_leaves_the_path_out() -> None:
    assert str(PlanError("plan.yaml", 1, 1, "", "the plan is empty")) == (
        "plan.yaml:1:1: the plan is empty"
    )


def test_all_errors_are_reported_at_once_in_text_order() -> None:
    text = (
        "reasons: []\n"
        "triggers:\n"
        "  - {id: pay, label: Payday, kind: time}\n"
        "escalation:\n"
        "  craving_at_least: 12\n"
    )

    errors = validate_plan(text, source="plan.yaml")

    assert [(e.line, e.path) for e in errors] == [
        (1, "reasons"),
        (3, "triggers[0].kind"),
        (5, "escalation.craving_at_least"),
    ]


def test_parse_plan_raises_with_every_error_one_per_line() -> None:
    text = "reasons: []\ncoping: [{id: Walk, title: Walk}]\n"

    with pytest.raises(PlanInvalid) as raised:
        parse_plan(text, source="plan.yaml")

    lines = str(raised.value).splitlines()
    assert len(lines) == len(raised.value.errors) == 2
    assert lines[0].startswith("plan.yaml:1:10: reasons:")
    assert lines[1].startswith("plan.yaml:2:15: coping[0].id:")


def test_an_item_with_problems_still_declares_its_id_for_references() -> None:
    text = (
        "reasons: [Stay well]\n"
        "coping:\n"
        "  - {id: walk}\n"  # no title: one error here, not a second one below
        "triggers:\n"
        "  - {id: pay, label: Payday, kind: event, coping: [walk]}\n"
    )

    errors = validate_plan(text)

    assert [e.path for e in errors] == ["coping[0].title"]


def test_a_plan_too_large_is_refused_before_parsing() -> None:
    text = "reasons:\n" + "  - Stay well\n" * 10_000

    errors = validate_plan(text)

    assert len(errors) == 1 and "at most 100000" in errors[0].message


def test_a_dangling_reference_with_no_section_says_where_to_add_it() -> None:
    text = (
        "reasons: [Stay well]\n"
        "triggers:\n  - {id: pay, label: Payday, kind: event, coping: [walk]}\n"
    )

    (error,) = validate_plan(text)

    assert "the plan has no coping section" in error.message
