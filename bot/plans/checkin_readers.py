"""Readers for the settings sections of a plan: ``checkin`` and ``escalation``."""

from __future__ import annotations

from yaml.nodes import MappingNode, Node, ScalarNode

from bot.domain.model import Level
from bot.plans import limits
from bot.plans.checkin import BUILTIN_QUESTIONS
from bot.plans.escalation import ALLOWED_LEVELS, LEVEL_KEYS
from bot.plans.limits import COUNTS, SCALE_BOUNDS, SCALE_MAX_SPAN
from bot.plans.list_reading import Reference, Unique, read_list, read_refs, value_of
from bot.plans.model import (
    BUILTIN_KINDS,
    CheckinQuestion,
    EscalationOverrides,
    Off,
    QuestionKind,
)
from bot.plans.nodes import DIGITS, Path, Reader, describe_node

KINDS = [k.value for k in QuestionKind]
BUILTIN_NAMES = [k.value for k in QuestionKind if k in BUILTIN_KINDS]
COMMON_KEYS = ("id", "kind", "prompt", "optional")
KEYS_BY_KIND: dict[QuestionKind, tuple[str, ...]] = {
    QuestionKind.SCALE: (*COMMON_KEYS, "min", "max", "labels"),
    QuestionKind.CHOICE: (*COMMON_KEYS, "options", "multiple"),
    QuestionKind.YESNO: COMMON_KEYS,
    QuestionKind.TEXT: COMMON_KEYS,
}


def read_checkin(reader: Reader, node: Node, path: Path) -> tuple[CheckinQuestion, ...]:
    ids = Unique(reader, "question id")

    def one(item: Node, p: Path) -> CheckinQuestion | None:
        question = _read_question(reader, item, p)
        if question is not None and ids.check(item, p, question.id):
            return question
        return None

    return read_list(
        reader,
        node,
        path,
        "checkin",
        f"a list of questions (built-in: {', '.join(BUILTIN_NAMES)})",
        one,
    )


def _read_question(reader: Reader, item: Node, p: Path) -> CheckinQuestion | None:
    if isinstance(item, ScalarNode):
        name = reader.choice(item, p, BUILTIN_NAMES, "built-in question")
        return BUILTIN_QUESTIONS[QuestionKind(name)] if name else None
    if not isinstance(item, MappingNode):
        reader.error(
            item,
            p,
            f"must be a built-in question name ({', '.join(BUILTIN_NAMES)}) "
            f"or a question with id, kind and prompt, not {describe_node(item)}",
        )
        return None
    kind_node = next((v for k, v in item.value if getattr(k, "value", None) == "kind"), None)
    if kind_node is None:
        reader.error(item, (*p, "kind"), f"is missing; kinds: {', '.join(KINDS)}")
        return None
    kind_name = reader.choice(kind_node, (*p, "kind"), KINDS, "question kind")
    if kind_name is None:
        return None
    kind = QuestionKind(kind_name)
    if kind.builtin:
        return _read_builtin(reader, item, p, kind)
    keys = reader.mapping(item, p, allowed=KEYS_BY_KIND[kind], required=("id", "kind", "prompt"))
    if keys is None:
        return None
    id_ = value_of(keys, "id", lambda n: reader.ident(n, (*p, "id")))
    if id_ in BUILTIN_NAMES:
        reader.error(
            keys["id"][1],
            (*p, "id"),
            f"{id_!r} is the id of a built-in question; "
            f"write '- {id_}' for that question, or choose another id",
        )
        id_ = None
    prompt = value_of(keys, "prompt", lambda n: reader.text(n, (*p, "prompt"), limits.PROMPT))
    optional = value_of(keys, "optional", lambda n: reader.boolean(n, (*p, "optional")))
    if optional is None:
        optional = kind is QuestionKind.TEXT
    if kind is QuestionKind.SCALE:
        return _read_scale(reader, keys, p, id_, prompt, optional)
    if kind is QuestionKind.CHOICE:
        return _read_choice(reader, keys, p, id_, prompt, optional)
    if id_ is None or prompt is None:
        return None
    return CheckinQuestion(id=id_, kind=kind, prompt=prompt, optional=optional)


def _read_builtin(
    reader: Reader, item: Node, p: Path, kind: QuestionKind
) -> CheckinQuestion | None:
    keys = reader.mapping(item, p, allowed=COMMON_KEYS)
    if keys is None:
        return None
    base = BUILTIN_QUESTIONS[kind]
    if "id" in keys and str(getattr(keys["id"][1], "value", "")) != kind.value:
        reader.error(
            keys["id"][1],
            (*p, "id"),
            f"a built-in question's id is its kind: write 'id: {kind.value}' or leave the id out",
        )
        return None
    prompt = value_of(keys, "prompt", lambda n: reader.text(n, (*p, "prompt"), limits.PROMPT))
    optional = value_of(keys, "optional", lambda n: reader.boolean(n, (*p, "optional")))
    return CheckinQuestion(
        id=base.id,
        kind=kind,
        prompt=prompt or base.prompt,
        optional=bool(optional),
        minimum=base.minimum,
        maximum=base.maximum,
        labels=base.labels,
    )


def _read_scale(
    reader: Reader,
    keys: dict[str, tuple[Node, Node]],
    p: Path,
    id_: str | None,
    prompt: str | None,
    optional: bool,
) -> CheckinQuestion | None:
    low, high = SCALE_BOUNDS
    minimum = value_of(keys, "min", lambda n: reader.integer(n, (*p, "min"), low, high))
    maximum = value_of(keys, "max", lambda n: reader.integer(n, (*p, "max"), low, high))
    minimum = 0 if minimum is None and "min" not in keys else minimum
    maximum = 10 if maximum is None and "max" not in keys else maximum
    span_ok = False
    if minimum is not None and maximum is not None:
        where = keys["max"][1] if "max" in keys else keys["kind"][1]
        if maximum <= minimum:
            reader.error(
                where, (*p, "max"), f"max ({maximum}) must be greater than min ({minimum})"
            )
        elif maximum - minimum > SCALE_MAX_SPAN:
            reader.error(
                where,
                (*p, "max"),
                f"a scale has at most {SCALE_MAX_SPAN + 1} points "
                f"(one button each); max - min is {maximum - minimum}",
            )
        else:
            span_ok = True
    labels: list[tuple[int, str]] = []
    if "labels" in keys:
        bounds = (
            (minimum, maximum) if span_ok and minimum is not None and maximum is not None else None
        )
        found = _read_labels(reader, keys["labels"][1], (*p, "labels"), bounds)
        labels = found if found is not None else []
    if id_ is None or prompt is None or not span_ok or minimum is None or maximum is None:
        return None
    return CheckinQuestion(
        id=id_,
        kind=QuestionKind.SCALE,
        prompt=prompt,
        optional=optional,
        minimum=minimum,
        maximum=maximum,
        labels=tuple(sorted(labels)),
    )


def _read_labels(
    reader: Reader, node: Node, path: Path, bounds: tuple[int, int] | None
) -> list[tuple[int, str]] | None:
    if not isinstance(node, MappingNode):
        reader.error(
            node,
            path,
            "must map scale points to words, e.g. {0: none, 10: worst}, "
            f"not {describe_node(node)}",
        )
        return None
    labels: list[tuple[int, str]] = []
    seen: set[int] = set()
    for key_node, value_node in node.value:
        raw = str(getattr(key_node, "value", ""))
        where = (*path, raw)
        if not isinstance(key_node, ScalarNode) or not DIGITS.fullmatch(raw):
            reader.error(
                key_node,
                path,
                f"label keys are scale points (whole numbers), not {describe_node(key_node)}",
            )
            continue
        point = int(raw)
        if bounds is not None and not bounds[0] <= point <= bounds[1]:
            reader.error(
                key_node,
                where,
                f"{point} is not on the scale; points run from {bounds[0]} to {bounds[1]}",
            )
            continue
        if point in seen:
            reader.error(key_node, where, f"point {point} is labelled twice")
            continue
        seen.add(point)
        text = reader.text(value_node, where, limits.LABEL)
        if text is not None:
            labels.append((point, text))
    return labels


def _read_choice(
    reader: Reader,
    keys: dict[str, tuple[Node, Node]],
    p: Path,
    id_: str | None,
    prompt: str | None,
    optional: bool,
) -> CheckinQuestion | None:
    if "options" not in keys:
        reader.error(
            keys["kind"][1],
            (*p, "options"),
            "a choice question needs options: a list "
            f"of {COUNTS['options'][0]} to {COUNTS['options'][1]} short answers",
        )
        return None
    seen = Unique(reader, "option")

    def option(node: Node, path: Path) -> str | None:
        text = reader.text(node, path, limits.LABEL)
        return text if seen.check(node, path, text) else None

    options = read_list(
        reader, keys["options"][1], (*p, "options"), "options", "a list of short answers", option
    )
    multiple = value_of(keys, "multiple", lambda n: reader.boolean(n, (*p, "multiple")))
    if id_ is None or prompt is None or len(options) < COUNTS["options"][0]:
        return None
    return CheckinQuestion(
        id=id_,
        kind=QuestionKind.CHOICE,
        prompt=prompt,
        optional=optional,
        options=options,
        multiple=bool(multiple),
    )


# --- escalation -----------------------------------------------------------------------------

THRESHOLDS: dict[str, tuple[int, int]] = {
    "craving_at_least": (1, 10),
    "confidence_at_most": (0, 9),
    "missed_in_a_row": (1, 30),
    "silence_days": (1, 60),
}


def read_escalation(
    reader: Reader, node: Node, path: Path, refs: list[Reference]
) -> EscalationOverrides:
    allowed = (*THRESHOLDS, "any_use", "warning_signs", "levels", "tell_patient")
    keys = reader.mapping(node, path, allowed=allowed, expected="a mapping of thresholds")
    if keys is None:
        return EscalationOverrides()
    numbers: dict[str, int | Off | None] = {}
    for name, (low, high) in THRESHOLDS.items():
        if name in keys:
            numbers[name] = reader.threshold(keys[name][1], (*path, name), low, high)
    any_use = value_of(keys, "any_use", lambda n: reader.boolean(n, (*path, "any_use")))
    tell = value_of(keys, "tell_patient", lambda n: reader.boolean(n, (*path, "tell_patient")))
    signs: tuple[str, ...] = ()
    if "warning_signs" in keys:
        signs = read_refs(
            reader,
            keys["warning_signs"][1],
            (*path, "warning_signs"),
            "escalation_signs",
            "warning_signs",
            "a list of warning sign ids that always escalate",
            refs,
        )
    levels: list[tuple[str, Level]] = []
    if "levels" in keys:
        names = [level.value for level in ALLOWED_LEVELS]
        found = reader.mapping(
            keys["levels"][1],
            (*path, "levels"),
            allowed=LEVEL_KEYS,
            expected="a mapping of rule to level",
        )
        for key, (_, value) in (found or {}).items():
            level = reader.choice(value, (*path, "levels", key), names, "level")
            if level is not None:
                levels.append((key, Level(level)))
    return EscalationOverrides(
        craving_at_least=numbers.get("craving_at_least"),
        any_use=any_use,
        confidence_at_most=numbers.get("confidence_at_most"),
        missed_in_a_row=numbers.get("missed_in_a_row"),
        silence_days=numbers.get("silence_days"),
        warning_signs=signs,
        levels=tuple(levels),
        tell_patient=tell,
    )
