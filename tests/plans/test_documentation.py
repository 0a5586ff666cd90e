"""The examples in docs/plan-format.md are valid plans."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.plans.parser import validate_plan

DOC = Path(__file__).parents[2] / "docs" / "plan-format.md"
EXAMPLES = re.findall(r"```yaml\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
CONTEXT = "reasons: [Stay well]\nwarning_signs: [{id: hopeless, text: Nothing will change}]\n"


def test_the_format_document_has_examples() -> None:
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_yaml_example_in_the_format_document_validates(example: str) -> None:
    text = example if example.startswith("reasons:") else CONTEXT + example

    assert validate_plan(text, source="plan-format.md") == []
