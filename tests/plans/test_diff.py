"""Differences between plan versions: by section, by id, in plain words."""

from __future__ import annotations

from bot.plans.diff import describe_changes, diff_plans, format_diff
from bot.plans.parser import parse_plan
from tests.plans.samples import FULL

OLD = parse_plan(FULL)


def changed(old_text: str, new_text: str, text: str = FULL) -> str:
    assert old_text in text
    return text.replace(old_text, new_text)


def test_identical_plans_have_no_changes() -> None:
    diff = diff_plans(OLD, parse_plan(FULL))

    assert not diff.changed
    assert describe_changes(diff) == []
    assert format_diff(diff) == "No changes."


def test_a_change_to_comments_only_is_no_change() -> None:
    new = parse_plan(changed("# in Alex's words", "# said on 3 May"))

    assert not diff_plans(OLD, new).changed


def test_a_new_coping_strategy_is_announced_by_its_title() -> None:
    new = parse_plan(
        changed("  - id: leave\n", "  - id: walk\n    title: Walk the dog\n  - id: leave\n")
    )

    diff = diff_plans(OLD, new)

    assert [(i.key, i.title) for i in diff.sections[0].added] == [("walk", "Walk the dog")]
    assert describe_changes(diff) == ["Your plan has a new coping strategy: Walk the dog"]


def test_two_updated_triggers_are_counted() -> None:
    text = changed("label: Payday\n", "label: Payday Friday\n")
    text = changed("label: Feeling lonely\n", "label: Feeling alone\n", text)

    assert describe_changes(diff_plans(OLD, parse_plan(text))) == ["2 triggers were updated"]


def test_items_are_matched_by_id_so_a_relabel_is_an_update_not_a_swap() -> None:
    new = parse_plan(changed("label: Payday\n", "label: Payday Friday\n"))

    (section,) = diff_plans(OLD, new).sections

    assert section.section == "triggers" and not section.added and not section.removed
    assert section.changed[0].key == "payday"


def test_a_removed_person_is_described_in_plain_words() -> None:
    text = changed(
        'supports:\n  - name: Sam Okafor\n    relationship: brother\n    contact: "555 0100"\n',
        "supports: []\n",
    )

    assert describe_changes(diff_plans(OLD, parse_plan(text))) == [
        "A person to call was taken off your plan: Sam Okafor"
    ]


def test_several_sections_are_described_in_plan_order() -> None:
    text = changed("  - I like who I am when I'm well.\n", "")
    text = changed('    time: "18:00"\n', '    time: "19:00"\n', text)
    text += "checkin: [craving, use]\n"

    assert describe_changes(diff_plans(OLD, parse_plan(text))) == [
        "A reason was taken off your plan: I like who I am when I'm well.",
        "A time to take extra care was updated: Friday evening",
        "Your check-in questions changed",
    ]


def test_many_new_items_are_listed_briefly() -> None:
    extra = "".join(f"  - {{name: Friend {n}, contact: '555 01{n}0'}}\n" for n in range(5))
    text = changed("professionals:\n", extra + "\nprofessionals:\n")

    (sentence,) = describe_changes(diff_plans(OLD, parse_plan(text)))

    assert sentence == (
        "Your plan has 5 new people to call: Friend 0, Friend 1, Friend 2 and 2 more"
    )


def test_a_new_emergency_number_is_a_crisis_change() -> None:
    new = parse_plan(FULL + "crisis:\n  emergency: '112'\n")

    assert describe_changes(diff_plans(OLD, new)) == [
        "Your plan has a new crisis contact: Emergency number 112"
    ]


def test_escalation_changes_are_told_to_the_patient_without_numbers() -> None:
    new = parse_plan(FULL + "escalation:\n  craving_at_least: 6\n")

    assert describe_changes(diff_plans(OLD, new)) == [
        "The times your care team is alerted have changed"
    ]


def test_the_clinician_diff_shows_each_changed_field() -> None:
    text = changed("coping: [call-sam, breathe]", "coping: [call-sam]")
    text = changed(
        "  - id: lonely\n",
        "  - id: bored\n    label: Bored\n    kind: feeling\n  - id: lonely\n",
        text,
    )

    report = format_diff(diff_plans(OLD, parse_plan(text)))

    assert report == (
        "triggers:\n"
        "  + bored: Bored\n"
        "  ~ payday: Payday\n"
        "      coping: 'call-sam, breathe' -> 'call-sam'"
    )
