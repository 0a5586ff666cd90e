"""Changes a patient can suggest to their plan, and applying an accepted one to the YAML text.

Shared decision making: the patient suggests, the clinician accepts (or edits, or declines),
and the accepted suggestion becomes the next version's text — validated, with the rest of the
clinician's text and comments kept as written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeAlias

from bot.plans import limits
from bot.plans.errors import SuggestionNotApplicable
from bot.plans.limits import BUTTON_BYTES, TextLimit
from bot.plans.model import Plan, TriggerKind
from bot.plans.parser import parse_plan
from bot.plans.yaml_edits import EditImpossible, append_item, remove_item, remove_list_value


class SuggestionKind(StrEnum):
    ADD_TRIGGER = "add_trigger"
    ADD_COPING = "add_coping"
    ADD_SUPPORT = "add_support"
    NOT_HELPING = "not_helping"


@dataclass(frozen=True)
class AddTrigger:
    label: str
    kind: TriggerKind


@dataclass(frozen=True)
class AddCoping:
    title: str


@dataclass(frozen=True)
class AddSupport:
    name: str
    contact: str
    relationship: str | None = None


@dataclass(frozen=True)
class MarkNotHelping:
    coping_id: str


Suggestion: TypeAlias = AddTrigger | AddCoping | AddSupport | MarkNotHelping


def suggestion_kind(suggestion: Suggestion) -> SuggestionKind:
    if isinstance(suggestion, AddTrigger):
        return SuggestionKind.ADD_TRIGGER
    if isinstance(suggestion, AddCoping):
        return SuggestionKind.ADD_COPING
    if isinstance(suggestion, AddSupport):
        return SuggestionKind.ADD_SUPPORT
    return SuggestionKind.NOT_HELPING


def suggestion_to_dict(suggestion: Suggestion) -> dict[str, str]:
    """The suggestion's fields as strings, for storing beside its kind."""
    fields = {key: str(value) for key, value in vars(suggestion).items() if value is not None}
    return fields


def suggestion_from_dict(kind: str, data: Mapping[str, object]) -> Suggestion:
    """Rebuild a stored suggestion; raises ``SuggestionNotApplicable`` for a malformed one."""
    try:
        match SuggestionKind(kind):
            case SuggestionKind.ADD_TRIGGER:
                return AddTrigger(str(data["label"]), TriggerKind(str(data["kind"])))
            case SuggestionKind.ADD_COPING:
                return AddCoping(str(data["title"]))
            case SuggestionKind.ADD_SUPPORT:
                relationship = data.get("relationship")
                return AddSupport(
                    str(data["name"]),
                    str(data["contact"]),
                    None if relationship is None else str(relationship),
                )
            case SuggestionKind.NOT_HELPING:
                return MarkNotHelping(str(data["coping_id"]))
    except (KeyError, ValueError) as exc:
        raise SuggestionNotApplicable(f"malformed {kind} suggestion: {exc}") from None


def check_suggestion(suggestion: Suggestion) -> list[str]:
    """What is wrong with the patient's words (empty when they can go to the clinician)."""
    texts: list[tuple[str, str | None, TextLimit]] = []
    if isinstance(suggestion, AddTrigger):
        texts = [("label", suggestion.label, limits.LABEL)]
    if isinstance(suggestion, AddCoping):
        texts = [("title", suggestion.title, limits.LABEL)]
    if isinstance(suggestion, AddSupport):
        texts = [
            ("name", suggestion.name, limits.LABEL),
            ("contact", suggestion.contact, limits.CONTACT),
        ]
        if suggestion.relationship is not None:
            texts.append(("relationship", suggestion.relationship, limits.SHORT))
    problems = []
    for name, value, limit in texts:
        text = (value or "").strip()
        if not text:
            problems.append(f"the {name} is empty")
        elif "\n" in text:
            problems.append(f"the {name} must be one line")
        elif len(text) > limit.chars or (limit.button and len(text.encode()) > BUTTON_BYTES):
            problems.append(f"the {name} is too long: {limit.describe()}")
    return problems


def describe_suggestion(suggestion: Suggestion) -> str:
    """One line for the clinician reviewing the suggestion."""
    if isinstance(suggestion, AddTrigger):
        return f"Add trigger: {suggestion.label!r} ({suggestion.kind.value})"
    if isinstance(suggestion, AddCoping):
        return f"Add coping idea: {suggestion.title!r}"
    if isinstance(suggestion, AddSupport):
        who = f" ({suggestion.relationship})" if suggestion.relationship else ""
        return f"Add person to call: {suggestion.name!r}{who}, {suggestion.contact}"
    return f"Coping strategy {suggestion.coping_id!r} is not helping: take it off the plan"


def apply_suggestion(text: str, suggestion: Suggestion, *, source: str = "<plan>") -> str:
    """The next version's YAML text with the suggestion applied; it validates.

    Raises ``PlanInvalid`` when the current text does not validate, and
    ``SuggestionNotApplicable`` when the suggestion does not fit this plan. Accepting
    "not helping" takes the strategy off the plan, and out of every trigger naming it.
    """
    plan = parse_plan(text, source=source)
    problems = check_suggestion(suggestion)
    if problems:
        raise SuggestionNotApplicable("; ".join(problems))
    try:
        new_text = _edit(text, plan, suggestion)
    except EditImpossible as exc:
        raise SuggestionNotApplicable(
            f"the plan text cannot be edited automatically: {exc}"
        ) from None
    parse_plan(new_text, source=source)
    return new_text


def _edit(text: str, plan: Plan, suggestion: Suggestion) -> str:
    if isinstance(suggestion, AddTrigger):
        label = suggestion.label.strip()
        _refuse_duplicate("trigger", label, [t.label for t in plan.triggers])
        item: dict[str, Any] = {
            "id": slug(label, {t.id for t in plan.triggers}, "trigger"),
            "label": label,
            "kind": suggestion.kind.value,
        }
        return append_item(text, "triggers", item)
    if isinstance(suggestion, AddCoping):
        title = suggestion.title.strip()
        _refuse_duplicate("coping strategy", title, [c.title for c in plan.coping])
        item = {
            "id": slug(title, {c.id for c in plan.coping}, "coping"),
            "title": title,
            "kind": "other",
        }
        return append_item(text, "coping", item)
    if isinstance(suggestion, AddSupport):
        name = suggestion.name.strip()
        _refuse_duplicate("person", name, [s.name for s in plan.supports])
        item = {"name": name}
        if suggestion.relationship:
            item["relationship"] = suggestion.relationship.strip()
        item["contact"] = suggestion.contact.strip()
        return append_item(text, "supports", item)
    return _remove_coping(text, suggestion.coping_id, [c.id for c in plan.coping])


def _remove_coping(text: str, coping_id: str, known: list[str]) -> str:
    if coping_id not in known:
        raise SuggestionNotApplicable(
            f"the plan has no coping strategy {coping_id!r}; known ids: {', '.join(known)}"
        )
    while True:  # positions move with each edit, so re-read the plan each time
        plan = parse_plan(text)
        naming = next((i for i, t in enumerate(plan.triggers) if coping_id in t.coping), None)
        if naming is None:
            break
        edited = remove_list_value(text, "triggers", naming, "coping", coping_id)
        if edited == text:
            raise EditImpossible(f"could not remove {coping_id!r} from triggers[{naming}]")
        text = edited
    index = [c.id for c in parse_plan(text).coping].index(coping_id)
    return remove_item(text, "coping", index)


def _refuse_duplicate(what: str, value: str, existing: list[str]) -> None:
    if value.casefold() in (e.casefold() for e in existing):
        raise SuggestionNotApplicable(f"the plan already has this {what}: {value!r}")


def slug(text: str, taken: Collection[str], fallback: str) -> str:
    """An id made from a text, e.g. 'Call Sam!' -> 'call-sam', unique among ``taken``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:24].strip("-")
    base = base or fallback
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{base}-{number}"
        number += 1
    return candidate
