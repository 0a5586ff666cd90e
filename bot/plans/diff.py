"""What changed between two versions of a plan, section by section.

``diff_plans`` compares; ``describe_changes`` says it in plain words for the patient;
``format_diff`` lays it out for clinicians, field by field.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

from bot.plans.model import Plan

T = TypeVar("T")


@dataclass(frozen=True)
class FieldChange:
    name: str
    old: str
    new: str


@dataclass(frozen=True)
class ItemChange:
    key: str  # the item's id, or its name/label/text where items have no id
    title: str  # what the patient would recognise it by
    fields: tuple[FieldChange, ...] = ()  # for changed items


@dataclass(frozen=True)
class SectionDiff:
    section: str
    added: tuple[ItemChange, ...] = ()
    removed: tuple[ItemChange, ...] = ()
    changed: tuple[ItemChange, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass(frozen=True)
class PlanDiff:
    sections: tuple[SectionDiff, ...]  # only sections with changes, in plan order

    @property
    def changed(self) -> bool:
        return bool(self.sections)

    def section(self, name: str) -> SectionDiff | None:
        return next((s for s in self.sections if s.section == name), None)


def diff_plans(old: Plan, new: Plan) -> PlanDiff:
    """Added, removed and changed items of each section, keyed by id where items have one."""
    found = [
        _texts("reasons", old.reasons, new.reasons),
        _keyed("triggers", old.triggers, new.triggers, lambda t: t.id, lambda t: t.label),
        _keyed(
            "warning_signs", old.warning_signs, new.warning_signs, lambda s: s.id, lambda s: s.text
        ),
        _keyed("coping", old.coping, new.coping, lambda c: c.id, lambda c: c.title),
        _keyed("supports", old.supports, new.supports, lambda s: s.name, lambda s: s.name),
        _keyed(
            "professionals",
            old.professionals,
            new.professionals,
            lambda p: p.name,
            lambda p: p.name,
        ),
        _crisis(old, new),
        _keyed(
            "after_a_slip",
            _maybe(old.after_a_slip),
            _maybe(new.after_a_slip),
            lambda _: "after_a_slip",
            lambda _: "What to do after a slip",
        ),
        _texts("safe_environment", old.safe_environment, new.safe_environment),
        _keyed(
            "high_risk_times",
            old.high_risk_times,
            new.high_risk_times,
            lambda t: t.label,
            lambda t: t.label,
        ),
        _keyed("checkin", old.checkin, new.checkin, lambda q: q.id, lambda q: q.prompt),
        _keyed(
            "escalation",
            (old.escalation,),
            (new.escalation,),
            lambda _: "escalation",
            lambda _: "Escalation thresholds",
        ),
    ]
    return PlanDiff(tuple(section for section in found if not section.empty))


def show_value(value: object) -> str:
    """A field value in words: lists joined, nothing shown as '(none)'."""
    if value is None or value == ():
        return "(none)"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return ", ".join(
            f"{item[0]}={show_value(item[1])}"
            if isinstance(item, tuple) and len(item) == 2
            else show_value(item)
            for item in value
        )
    return str(value)


def _maybe(value: T | None) -> tuple[T, ...]:
    return () if value is None else (value,)


def _texts(section: str, old: Sequence[str], new: Sequence[str]) -> SectionDiff:
    return SectionDiff(
        section,
        added=tuple(ItemChange(text, text) for text in new if text not in old),
        removed=tuple(ItemChange(text, text) for text in old if text not in new),
    )


def _keyed(
    section: str,
    old: Sequence[T],
    new: Sequence[T],
    key: Callable[[T], str],
    title: Callable[[T], str],
) -> SectionDiff:
    before = {key(item): item for item in old}
    after = {key(item): item for item in new}
    changed = []
    for name, item in after.items():
        if name in before and before[name] != item:
            fields = _field_changes(before[name], item)
            changed.append(ItemChange(name, title(item), fields))
    return SectionDiff(
        section,
        added=tuple(ItemChange(k, title(v)) for k, v in after.items() if k not in before),
        removed=tuple(ItemChange(k, title(v)) for k, v in before.items() if k not in after),
        changed=tuple(changed),
    )


def _field_changes(old: object, new: object) -> tuple[FieldChange, ...]:
    if not dataclasses.is_dataclass(old) or not dataclasses.is_dataclass(new):
        return (FieldChange("value", show_value(old), show_value(new)),)
    changes = []
    for spec in dataclasses.fields(old):
        before, after = getattr(old, spec.name), getattr(new, spec.name)
        if before != after:
            changes.append(FieldChange(spec.name, show_value(before), show_value(after)))
    return tuple(changes)


def _crisis(old: Plan, new: Plan) -> SectionDiff:
    lines = _keyed("crisis", old.crisis.lines, new.crisis.lines, lambda c: c.name, lambda c: c.name)
    number = _keyed(
        "crisis",
        _maybe(old.crisis.emergency),
        _maybe(new.crisis.emergency),
        lambda _: "emergency",
        lambda e: f"Emergency number {e}",
    )
    return SectionDiff(
        "crisis",
        added=lines.added + number.added,
        removed=lines.removed + number.removed,
        changed=lines.changed + number.changed,
    )


# --- words --------------------------------------------------------------------------------

# section -> (one, many); sections missing here are described as a whole
NOUNS: dict[str, tuple[str, str]] = {
    "reasons": ("reason", "reasons"),
    "triggers": ("trigger", "triggers"),
    "warning_signs": ("warning sign", "warning signs"),
    "coping": ("coping strategy", "coping strategies"),
    "supports": ("person to call", "people to call"),
    "professionals": ("care team contact", "care team contacts"),
    "crisis": ("crisis contact", "crisis contacts"),
    "safe_environment": ("safety step", "safety steps"),
    "high_risk_times": ("time to take extra care", "times to take extra care"),
}
WHOLE: dict[str, str] = {
    "after_a_slip": "Your plan for what to do after a slip was updated",
    "checkin": "Your check-in questions changed",
    "escalation": "The times your care team is alerted have changed",
}
TITLE_CHARS = 60
LISTED = 3


def describe_changes(diff: PlanDiff) -> list[str]:
    """Plain sentences for the patient, e.g. 'Your plan has a new coping strategy: Call Sam'.

    Lines may quote the plan's own words, so the message carrying them should open with a
    neutral first line (e.g. 'Your plan was updated').
    """
    sentences: list[str] = []
    for section in diff.sections:
        if section.section in WHOLE:
            sentences.append(WHOLE[section.section])
            continue
        one, many = NOUNS[section.section]
        if section.added:
            titles = _titles(section.added)
            if len(section.added) == 1:
                sentences.append(f"Your plan has a new {one}: {titles}")
            else:
                sentences.append(f"Your plan has {len(section.added)} new {many}: {titles}")
        if section.changed:
            if len(section.changed) == 1:
                sentences.append(f"A {one} was updated: {_titles(section.changed)}")
            else:
                sentences.append(f"{len(section.changed)} {many} were updated")
        if section.removed:
            if len(section.removed) == 1:
                sentences.append(f"A {one} was taken off your plan: {_titles(section.removed)}")
            else:
                sentences.append(f"{len(section.removed)} {many} were taken off your plan")
    return sentences


def format_diff(diff: PlanDiff) -> str:
    """A readable account for clinicians: + added, - removed, ~ changed with each field."""
    if not diff.changed:
        return "No changes."
    lines: list[str] = []
    for section in diff.sections:
        lines.append(f"{section.section}:")
        lines += [f"  + {_label(item)}" for item in section.added]
        lines += [f"  - {_label(item)}" for item in section.removed]
        for item in section.changed:
            lines.append(f"  ~ {_label(item)}")
            lines += [f"      {f.name}: {f.old!r} -> {f.new!r}" for f in item.fields]
    return "\n".join(lines)


def _label(item: ItemChange) -> str:
    return item.key if item.key == item.title else f"{item.key}: {item.title}"


def _titles(items: Sequence[ItemChange]) -> str:
    shown = [_shorten(item.title) for item in items[:LISTED]]
    if len(items) > LISTED:
        shown.append(f"{len(items) - LISTED} more")
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _shorten(text: str) -> str:
    if len(text) <= TITLE_CHARS:
        return text
    cut = text[: TITLE_CHARS - 1].rsplit(" ", 1)[0]
    return cut + "…"
