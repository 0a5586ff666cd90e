"""Plan templates: YAML starting points a clinician edits with the patient.

Each template is a file in ``bot/plans/templates/`` with comments explaining every section.
Placeholders are written in angle brackets (``<their phone number>``) so that
``find_placeholders`` can list what is still to be filled in.
"""

from __future__ import annotations

import re
from importlib import resources

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.plans.errors import PlanError, UnknownTemplate
from bot.plans.nodes import Path, compose, format_path

DESCRIPTIONS: dict[str, str] = {
    "relapse-prevention": "General relapse-prevention plan: reasons, triggers, warning signs, "
    "coping, people, what to do after a slip.",
    "safety-plan": "The six Stanley–Brown safety-planning steps, for patients with suicide risk.",
    "alcohol": "Relapse prevention after treatment for alcohol use, with withdrawal caution.",
    "opioids": "Relapse prevention after treatment for opioid use, with naloxone and "
    "overdose-risk guidance.",
    "minimal": "Reasons and one coping strategy; grow it section by section.",
}
PLACEHOLDER = re.compile(r"<[^<>\n]+>")


def template_names() -> list[str]:
    """The names of the available templates, general ones first."""
    return list(DESCRIPTIONS)


def template_description(name: str) -> str:
    """One line saying what the template is for."""
    _check(name)
    return DESCRIPTIONS[name]


def template_text(name: str) -> str:
    """The YAML text of a template, comments included."""
    _check(name)
    return (resources.files("bot.plans") / "templates" / f"{name}.yaml").read_text("utf-8")


def find_placeholders(text: str, *, source: str = "<plan>") -> list[PlanError]:
    """Texts still holding a ``<placeholder>``, located like validation errors."""
    root, errors = compose(text, source)
    if errors or root is None:
        return errors
    found: list[PlanError] = []
    _walk(root, (), source, found)
    return found


def _walk(node: Node, path: Path, source: str, found: list[PlanError]) -> None:
    if isinstance(node, MappingNode):
        for key, value in node.value:
            _walk(value, (*path, str(key.value)), source, found)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), source, found)
    elif isinstance(node, ScalarNode):
        match = PLACEHOLDER.search(str(node.value))
        if match:
            mark = node.start_mark
            message = f"placeholder {match.group(0)} is still to be filled in"
            found.append(
                PlanError(source, mark.line + 1, mark.column + 1, format_path(path), message)
            )


def _check(name: str) -> None:
    if name not in DESCRIPTIONS:
        raise UnknownTemplate(name, template_names())
