"""Whatever text arrives, validation answers with errors and never crashes."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.plans.parser import validate_plan

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=30))
structures = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["reasons", "triggers", "id", "label", "kind", "coping", "steps", "x"]),
            inner,
            max_size=4,
        )
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gets_errors_or_none_never_an_exception(text: str) -> None:
    for error in validate_plan(text, source="plan.yaml"):
        assert error.line >= 1 and error.column >= 1 and error.message


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            ["reasons", "triggers", "coping", "checkin", "escalation", "crisis", "high_risk_times"]
        ),
        structures,
        max_size=5,
    )
)
def test_any_yaml_structure_gets_located_errors(data: dict[str, object]) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)

    for error in validate_plan(text, source="plan.yaml"):
        assert 1 <= error.line <= len(text.splitlines()) + 1  # YAML also breaks lines at NEL
