"""Parse and validate a plan's YAML text: every problem is reported at once, with its place."""

from __future__ import annotations

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.plans.checkin import default_checkin
from bot.plans.checkin_readers import read_checkin, read_escalation
from bot.plans.contact_readers import read_crisis, read_professionals, read_supports
from bot.plans.errors import PlanError, PlanInvalid
from bot.plans.limits import BUTTON_BYTES, LABEL, MAX_PLAN_CHARS
from bot.plans.list_reading import Reference
from bot.plans.model import OFF, CrisisInfo, EscalationOverrides, Plan, QuestionKind
from bot.plans.nodes import NULL_TAG, Reader, compose
from bot.plans.section_readers import (
    read_after_a_slip,
    read_coping,
    read_reasons,
    read_safe_environment,
    read_triggers,
    read_warning_signs,
)
from bot.plans.time_readers import read_high_risk_times

SECTIONS: tuple[str, ...] = (
    "reasons",
    "triggers",
    "warning_signs",
    "coping",
    "supports",
    "professionals",
    "crisis",
    "after_a_slip",
    "safe_environment",
    "high_risk_times",
    "checkin",
    "escalation",
)
LISTING_QUESTIONS = ("triggers", "warning_signs")  # check-in kinds that list a section
REFERENCED = {"coping": "coping strategy", "warning_signs": "warning sign"}
# escalation threshold -> the check-in question it needs
NEEDS_QUESTION = {
    "craving_at_least": QuestionKind.CRAVING,
    "confidence_at_most": QuestionKind.CONFIDENCE,
    "any_use": QuestionKind.USE,
}


def parse_plan(text: str, *, source: str = "<plan>") -> Plan:
    """The plan the text describes; raises ``PlanInvalid`` listing every problem."""
    plan, errors = _read(text, source)
    if errors or plan is None:
        raise PlanInvalid(errors)
    return plan


def validate_plan(text: str, *, source: str = "<plan>") -> list[PlanError]:
    """Every problem in the text, in text order; empty when the plan is valid."""
    return _read(text, source)[1]


def _read(text: str, source: str) -> tuple[Plan | None, list[PlanError]]:
    if len(text) > MAX_PLAN_CHARS:
        message = f"the plan is {len(text)} characters long; at most {MAX_PLAN_CHARS} are allowed"
        return None, [PlanError(source, 1, 1, "", message)]
    root, errors = compose(text, source)
    if errors:
        return None, errors
    if root is None:
        message = "the plan is empty; it needs at least a 'reasons:' list"
        return None, [PlanError(source, 1, 1, "", message)]
    reader = Reader(source)
    plan = _read_root(reader, root, text)
    errors = sorted(reader.errors, key=lambda e: (e.line, e.column))
    return (None if errors else plan), errors


def _read_root(reader: Reader, root: Node, text: str) -> Plan | None:
    keys = reader.mapping(
        root, (), allowed=SECTIONS, required=("reasons",), expected="a mapping of plan sections"
    )
    if keys is None:
        return None
    # an optional section written with nothing after it is the same as no section
    nodes = {
        key: value for key, (_, value) in keys.items() if key == "reasons" or not _is_blank(value)
    }
    refs: list[Reference] = []
    empty = ScalarNode(NULL_TAG, "")

    def section(name: str) -> Node:
        return nodes.get(name, empty)

    reasons = read_reasons(reader, nodes["reasons"], ("reasons",)) if "reasons" in nodes else ()
    triggers = read_triggers(reader, section("triggers"), ("triggers",), refs)
    signs = read_warning_signs(reader, section("warning_signs"), ("warning_signs",))
    coping = read_coping(reader, section("coping"), ("coping",))
    supports = read_supports(reader, section("supports"), ("supports",))
    professionals = read_professionals(reader, section("professionals"), ("professionals",))
    crisis = read_crisis(reader, nodes["crisis"], ("crisis",)) if "crisis" in nodes else None
    slip = (
        read_after_a_slip(reader, nodes["after_a_slip"], ("after_a_slip",))
        if ("after_a_slip" in nodes)
        else None
    )
    safe = read_safe_environment(reader, section("safe_environment"), ("safe_environment",))
    times = read_high_risk_times(reader, section("high_risk_times"), ("high_risk_times",))
    escalation = (
        read_escalation(reader, nodes["escalation"], ("escalation",), refs)
        if "escalation" in nodes
        else EscalationOverrides()
    )
    has_triggers = bool(_declared_ids(section("triggers")))
    if "checkin" in nodes:
        checkin = read_checkin(reader, nodes["checkin"], ("checkin",))
        listed = {name: bool(_declared_ids(section(name))) for name in LISTING_QUESTIONS}
        _check_checkin(reader, nodes["checkin"], listed)
        asked = {_question_kind(item) for item in getattr(nodes["checkin"], "value", [])}
        _check_thresholds(reader, keys.get("escalation"), asked)
        if QuestionKind.WARNING_SIGNS.value in asked:
            _check_sign_buttons(reader, section("warning_signs"))
    else:
        checkin = default_checkin(has_triggers=has_triggers)
    _check_references(reader, refs, {name: _declared_ids(section(name)) for name in REFERENCED})
    return Plan(
        reasons=reasons,
        triggers=triggers,
        warning_signs=signs,
        coping=coping,
        supports=supports,
        professionals=professionals,
        crisis=crisis or CrisisInfo(),
        after_a_slip=slip,
        safe_environment=safe,
        high_risk_times=times,
        checkin=checkin,
        checkin_is_default="checkin" not in nodes,
        escalation=escalation,
        text=text,
    )


def _is_blank(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == NULL_TAG and node.value == ""


def _declared_ids(node: Node) -> list[str]:
    """Ids written in a list section, even in items that have other problems."""
    if not isinstance(node, SequenceNode):
        return []
    ids: list[str] = []
    for item in node.value:
        if isinstance(item, MappingNode):
            ids.extend(
                str(value.value)
                for key, value in item.value
                if isinstance(value, ScalarNode) and getattr(key, "value", None) == "id"
            )
    return ids


def _check_references(
    reader: Reader, refs: list[Reference], declared: dict[str, list[str]]
) -> None:
    for ref in refs:
        known = declared[ref.section]
        if ref.id in known:
            continue
        what = REFERENCED[ref.section]
        if known:
            message = f"unknown {what} id {ref.id!r}; known ids: {', '.join(sorted(known))}"
        else:
            message = f"unknown {what} id {ref.id!r}; the plan has no {ref.section} section to "
            message += f"refer to (add the {what} under '{ref.section}:')"
        reader.error(ref.node, ref.path, message)


def _check_checkin(reader: Reader, node: Node, declared: dict[str, bool]) -> None:
    """A question that lists a section's items needs that section to have items."""
    if not isinstance(node, SequenceNode):
        return
    for index, item in enumerate(node.value):
        kind = _question_kind(item)
        if kind in LISTING_QUESTIONS and not declared[kind]:
            reader.error(
                item,
                ("checkin", index),
                f"the {kind} question lists the plan's "
                f"{kind.replace('_', ' ')}, but the plan has none; add some under "
                f"'{kind}:' or remove this question",
            )


def _check_sign_buttons(reader: Reader, signs: Node) -> None:
    """Signs become buttons in the warning_signs question: long texts need a short label."""
    if not isinstance(signs, SequenceNode):
        return
    for index, item in enumerate(signs.value):
        if not isinstance(item, MappingNode):
            continue
        found = {str(getattr(k, "value", "")): v for k, v in item.value}
        text = found.get("text")
        if "label" in found or not isinstance(text, ScalarNode):
            continue
        value = str(text.value).strip()
        if len(value) > LABEL.chars or len(value.encode()) > BUTTON_BYTES:
            reader.error(
                text,
                ("warning_signs", index, "text"),
                "is too long for a button in "
                "the check-in's warning_signs question; add a short 'label:' "
                f"({LABEL.describe()})",
            )


def _question_kind(item: Node) -> str | None:
    if isinstance(item, ScalarNode):
        return str(item.value)
    if isinstance(item, MappingNode):
        for key, value in item.value:
            if getattr(key, "value", None) == "kind" and isinstance(value, ScalarNode):
                return str(value.value)
    return None


def _check_thresholds(
    reader: Reader, escalation: tuple[Node, Node] | None, asked: set[str | None]
) -> None:
    if escalation is None or not isinstance(escalation[1], MappingNode):
        return
    for key_node, value in escalation[1].value:
        needed = NEEDS_QUESTION.get(str(getattr(key_node, "value", "")))
        if needed is None or needed.value in asked or not isinstance(value, ScalarNode):
            continue
        if str(value.value).lower() in (OFF, "false", "no"):
            continue
        reader.error(
            key_node,
            ("escalation", str(key_node.value)),
            f"the check-in has no "
            f"{needed.value} question, so this rule could never apply; add "
            f"'- {needed.value}' to checkin or remove this threshold",
        )
