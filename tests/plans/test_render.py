"""Rendering the plan for Telegram: neutral first lines, within limits, never mid-word."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.plans.chunks import CONTINUED, telegram_length
from bot.plans.crisis import default_crisis
from bot.plans.errors import UnknownSection, UnknownTrigger
from bot.plans.limits import MESSAGE_LIMIT
from bot.plans.model import (
    AfterSlip,
    CopingStrategy,
    CrisisInfo,
    CrisisLine,
    Plan,
    WarningSign,
)
from bot.plans.parser import parse_plan
from bot.plans.render import (
    EMPTY,
    SECTION_TITLES,
    WARNING_INTRO,
    coping_for_trigger,
    render_coping,
    render_section,
    render_trigger_help,
    section_menu,
)
from bot.plans.templates import template_names, template_text
from tests.plans.samples import FULL, MINIMAL

US = default_crisis("US")
HEADINGS = {heading for _, heading in SECTION_TITLES.values()}


def test_the_menu_lists_only_sections_with_content_and_always_crisis() -> None:
    assert section_menu(parse_plan(MINIMAL)) == [
        ("reasons", "Your reasons"),
        ("coping", "Ways to cope"),
        ("crisis", "Help right now"),
    ]


def test_the_menu_of_a_full_plan_follows_the_plan_order() -> None:
    keys = [key for key, _ in section_menu(parse_plan(FULL))]

    assert keys == [
        "reasons",
        "triggers",
        "warning_signs",
        "coping",
        "supports",
        "professionals",
        "after_a_slip",
        "high_risk_times",
        "crisis",
    ]


def test_menu_titles_fit_on_a_button() -> None:
    assert all(len(title.encode()) <= 64 for title, _ in SECTION_TITLES.values())


@pytest.mark.parametrize("name", template_names())
def test_every_message_of_every_template_starts_with_a_neutral_heading(name: str) -> None:
    plan = parse_plan(template_text(name))

    for key, _ in section_menu(plan):
        for message in render_section(plan, key, crisis_default=US):
            first_line = message.split("\n", 1)[0]
            assert first_line.removesuffix(CONTINUED) in HEADINGS


def test_the_crisis_section_uses_the_region_default_when_the_plan_has_none() -> None:
    (message,) = render_section(parse_plan(MINIMAL), "crisis", crisis_default=US)

    assert "call 911 now" in message
    assert "Call or text 988" in message and "Text HOME to 741741" in message


def test_the_plan_crisis_lines_replace_the_default_lines_but_keep_its_number() -> None:
    plan = parse_plan(
        "reasons: [Stay well]\ncrisis:\n  lines:\n    - {name: Night line, contact: '555 0199'}\n"
    )

    (message,) = render_section(plan, "crisis", crisis_default=US)

    assert "Night line: 555 0199" in message and "988" not in message
    assert "call 911 now" in message


def test_the_triggers_section_says_what_helps_with_each() -> None:
    (message,) = render_section(parse_plan(FULL), "triggers", crisis_default=US)

    assert "• Payday\n   What helps: Call Sam, Slow breathing" in message
    assert "• Feeling lonely\n" in message + "\n"


def test_high_risk_times_read_as_days_and_times() -> None:
    (message,) = render_section(parse_plan(FULL), "high_risk_times", crisis_default=US)

    assert "Friday evening\n   Fridays at 18:00" in message


def test_an_empty_section_says_so_kindly() -> None:
    (message,) = render_section(parse_plan(MINIMAL), "supports", crisis_default=US)

    assert "Nothing here yet" in message


def test_an_unknown_section_is_refused() -> None:
    with pytest.raises(UnknownSection):
        render_section(parse_plan(MINIMAL), "secrets", crisis_default=US)


def test_coping_for_a_trigger_follows_the_order_written_for_that_trigger() -> None:
    plan = parse_plan(FULL)

    assert [c.id for c in coping_for_trigger(plan, "payday")] == ["call-sam", "breathe"]
    assert coping_for_trigger(plan, "lonely") == []


def test_coping_for_an_unknown_trigger_is_refused() -> None:
    with pytest.raises(UnknownTrigger):
        coping_for_trigger(parse_plan(FULL), "forged")


def test_a_coping_strategy_renders_as_numbered_steps_under_a_neutral_heading() -> None:
    strategy = parse_plan(FULL).coping[0]

    assert render_coping(strategy) == [
        "Something to try\n\nSlow breathing\n1. Breathe in for 4.\n2. Breathe out for 6."
    ]


def test_trigger_help_quotes_the_plan_for_that_moment() -> None:
    (message,) = render_trigger_help(parse_plan(FULL), "old-crowd")

    assert message.startswith("When this comes up\n\nYour plan says, for: Seeing the old crowd")
    assert message.index("Leave") < message.index("Call Sam")


# --- long sections -------------------------------------------------------------------------

words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéü🙂", min_size=1, max_size=40)
texts = st.lists(words, min_size=1, max_size=500).map(" ".join)
FORMAT_TOKENS = {"•", *(f"{n}." for n in range(1, 60))}


def heading_tokens() -> set[str]:
    tokens = {"(continued)", "Something", "to", "try"}
    for _, heading in SECTION_TITLES.values():
        tokens |= set(heading.split())
    return tokens | set(EMPTY.split()) | set(WARNING_INTRO.split())


@st.composite
def long_plans(draw: st.DrawFn) -> Plan:
    reasons = tuple(draw(st.lists(texts, min_size=1, max_size=15)))
    coping = tuple(
        CopingStrategy(
            id=f"c{i}", title=draw(words), steps=tuple(draw(st.lists(texts, max_size=8)))
        )
        for i in range(draw(st.integers(min_value=1, max_value=6)))
    )
    signs = tuple(WarningSign(id=f"s{i}", text=t) for i, t in enumerate(draw(st.lists(texts))))
    slip = AfterSlip(message=draw(texts), steps=tuple(draw(st.lists(texts, max_size=8))))
    return Plan(reasons=reasons, coping=coping, warning_signs=signs, after_a_slip=slip)


@settings(max_examples=40, deadline=None)
@given(long_plans())
def test_long_sections_fit_telegram_and_never_split_a_word(plan: Plan) -> None:
    source_words = {
        w
        for text in (
            *plan.reasons,
            *(c.title for c in plan.coping),
            *(s for c in plan.coping for s in c.steps),
            *(s.text for s in plan.warning_signs),
            plan.after_a_slip.message if plan.after_a_slip else "",
            *(plan.after_a_slip.steps if plan.after_a_slip else ()),
        )
        for w in text.split()
    }
    allowed = source_words | FORMAT_TOKENS | heading_tokens()

    for key in ("reasons", "coping", "warning_signs", "after_a_slip"):
        messages = render_section(plan, key, crisis_default=CrisisInfo())
        for message in messages:
            assert telegram_length(message) <= MESSAGE_LIMIT
            assert set(message.split()) <= allowed
    for strategy in plan.coping:
        for message in render_coping(strategy):
            assert telegram_length(message) <= MESSAGE_LIMIT
            assert set(message.split()) <= allowed


def test_a_long_section_is_split_between_items() -> None:
    reason = "I want to be well " * 25  # 450 characters
    plan = Plan(reasons=(reason.strip(),) * 20)

    messages = render_section(plan, "reasons", crisis_default=CrisisInfo())

    assert len(messages) == 3
    assert messages[1].startswith("What matters to you (continued)\n\n• I want")
    assert sum(m.count("•") for m in messages) == 20


def test_a_crisis_line_note_is_shown_under_it() -> None:
    crisis = CrisisInfo(lines=(CrisisLine("Night line", "Call 555 0199", "Open 8pm to 8am"),))

    (message,) = render_section(Plan(reasons=("x",)), "crisis", crisis_default=crisis)

    assert "• Night line: Call 555 0199\n   Open 8pm to 8am" in message
