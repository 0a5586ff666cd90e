"""Check-in question pads: which values a question offers, the rows of buttons that stand
for them, and reading a pressed button back into a value.

A button carries a keyed tag of ``checkin|position|value``, never the value itself, so a
press only means something for the question it was sent with (see ``buttons``).
"""

from __future__ import annotations

from typing import Any

from bot.domain.model import Checkin
from bot.plans.model import CheckinQuestion, Plan, QuestionKind
from bot.services import buttons, texts
from bot.services.outgoing import Button
from bot.services.ports import Signer

NONE_VALUE = "__none__"
SCALE_KINDS = {
    QuestionKind.CRAVING,
    QuestionKind.MOOD,
    QuestionKind.CONFIDENCE,
    QuestionKind.SLEEP,
    QuestionKind.SCALE,
}
MULTI_KINDS = {QuestionKind.TRIGGERS, QuestionKind.WARNING_SIGNS}


def scale_bounds(question: CheckinQuestion) -> tuple[int, int]:
    return (
        question.minimum if question.minimum is not None else 0,
        question.maximum if question.maximum is not None else 10,
    )


def list_choices(question: CheckinQuestion, plan: Plan) -> list[tuple[str, str]]:
    """(value, label) pairs a button can stand for."""
    kind = question.kind
    if kind in SCALE_KINDS:
        low, high = scale_bounds(question)
        return [(str(v), str(v)) for v in range(low, high + 1)]
    if kind in (QuestionKind.USE, QuestionKind.YESNO):
        return [("yes", texts.CHECKIN_YES), ("no", texts.CHECKIN_NO)]
    if kind is QuestionKind.CHOICE:
        return [(str(i), option) for i, option in enumerate(question.options)]
    if kind is QuestionKind.TRIGGERS:
        return [(t.id, t.label) for t in plan.triggers] + [
            (NONE_VALUE, texts.CHECKIN_NONE_OF_THESE)
        ]
    if kind is QuestionKind.WARNING_SIGNS:
        return [(s.id, s.button_label) for s in plan.warning_signs] + [
            (NONE_VALUE, texts.CHECKIN_NONE_OF_THESE)
        ]
    return []


def question_text(position: int, total: int, question: CheckinQuestion) -> str:
    """``Check-in (n/N)`` on the first line (what a locked phone shows), the prompt below."""
    return texts.CHECKIN_QUESTION.format(number=position + 1, total=total, prompt=question.prompt)


def parse_value(question: CheckinQuestion, raw: str) -> Any:
    """The answer a single pressed value stands for (a number, yes/no, an option, ids)."""
    if question.kind in SCALE_KINDS:
        return int(raw)
    if question.kind in (QuestionKind.USE, QuestionKind.YESNO):
        return raw == "yes"
    if question.kind is QuestionKind.CHOICE:
        option = question.options[int(raw)]
        return [option] if question.multiple else option
    if question.kind in MULTI_KINDS:
        return [] if raw == NONE_VALUE else [raw]
    return raw


class CheckinPads:
    """Lays out a question's buttons and matches a press's tag back to its value."""

    def __init__(self, signer: Signer) -> None:
        self._signer = signer

    def tag(self, checkin: Checkin, position: int, value: str) -> str:
        return self._signer.tag(f"{checkin.id}|{position}|{value}")

    def render(
        self,
        checkin: Checkin,
        position: int,
        question: CheckinQuestion,
        plan: Plan,
        total: int,
        selected: list[str],
    ) -> tuple[str, list[list[Button]]]:
        """The question's text and its rows of buttons (ticks on what is selected)."""
        text = question_text(position, total, question)
        rows: list[list[Button]] = []
        choices = list_choices(question, plan)
        multi = question.kind in MULTI_KINDS or (
            question.kind is QuestionKind.CHOICE and question.multiple
        )
        if question.kind in SCALE_KINDS:
            if question.labels:
                text += "\n" + " · ".join(f"{v} = {label}" for v, label in question.labels)
            pads = [
                (label, buttons.answer(checkin.id, position, self.tag(checkin, position, value)))
                for value, label in choices
            ]
            half = (len(pads) + 1) // 2 if len(pads) > 8 else len(pads)
            rows = [pads[:half], pads[half:]] if half < len(pads) else [pads]
        elif multi:
            for value, label in choices:
                if value == NONE_VALUE:
                    continue
                mark = "✓ " if value in selected else ""
                rows.append(
                    [
                        (
                            mark + label,
                            buttons.toggle(
                                checkin.id, position, self.tag(checkin, position, value)
                            ),
                        )
                    ]
                )
            last: list[Button] = [(texts.CHECKIN_DONE, buttons.done(checkin.id, position))]
            if question.kind in MULTI_KINDS:
                last.insert(
                    0,
                    (
                        texts.CHECKIN_NONE_OF_THESE,
                        buttons.answer(
                            checkin.id, position, self.tag(checkin, position, NONE_VALUE)
                        ),
                    ),
                )
            rows.append(last)
        elif question.kind is QuestionKind.TEXT:
            text += "\n" + texts.CHECKIN_TEXT_HINT
        else:
            pads = [
                (label, buttons.answer(checkin.id, position, self.tag(checkin, position, value)))
                for value, label in choices
            ]
            rows = [pads[i : i + 2] for i in range(0, len(pads), 2)]
        if question.optional or question.kind is QuestionKind.TEXT:
            rows.append([(texts.CHECKIN_SKIP, buttons.skip(checkin.id, position))])
        return text, rows

    def match(
        self,
        checkin: Checkin,
        position: int,
        question: CheckinQuestion,
        plan: Plan,
        tag: str | None,
    ) -> str | None:
        """The value whose keyed tag this is, or None (forged, stale or foreign)."""
        for value, _ in list_choices(question, plan):
            if tag is not None and self.tag(checkin, position, value) == tag:
                return value
        return None
