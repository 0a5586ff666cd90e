"""Built-in check-in questions with their default wording, and the default check-in.

Wording never names a substance: a patient's screen may be seen by someone else.
Sleep is asked as a 0-10 quality scale (not hours): one tap, comparable across days.
"""

from __future__ import annotations

from bot.plans.model import CheckinQuestion, QuestionKind

BUILTIN_QUESTIONS: dict[QuestionKind, CheckinQuestion] = {
    QuestionKind.CRAVING: CheckinQuestion(
        id="craving",
        kind=QuestionKind.CRAVING,
        prompt="How strong are your cravings right now?",
        labels=((0, "none"), (10, "the strongest ever")),
        minimum=0,
        maximum=10,
    ),
    QuestionKind.MOOD: CheckinQuestion(
        id="mood",
        kind=QuestionKind.MOOD,
        prompt="How is your mood right now?",
        labels=((0, "very low"), (10, "very good")),
        minimum=0,
        maximum=10,
    ),
    QuestionKind.TRIGGERS: CheckinQuestion(
        id="triggers",
        kind=QuestionKind.TRIGGERS,
        prompt="Since your last check-in, did you run into any of these? Pick all that apply.",
    ),
    QuestionKind.WARNING_SIGNS: CheckinQuestion(
        id="warning_signs",
        kind=QuestionKind.WARNING_SIGNS,
        prompt="Since your last check-in, have you noticed any of these signs? "
        "Pick all that apply.",
    ),
    QuestionKind.USE: CheckinQuestion(
        id="use",
        kind=QuestionKind.USE,
        prompt="Since your last check-in, have you used at all? An honest answer helps most.",
    ),
    QuestionKind.CONFIDENCE: CheckinQuestion(
        id="confidence",
        kind=QuestionKind.CONFIDENCE,
        prompt="How sure do you feel that you can stay on track today?",
        labels=((0, "not at all"), (10, "completely")),
        minimum=0,
        maximum=10,
    ),
    QuestionKind.SLEEP: CheckinQuestion(
        id="sleep",
        kind=QuestionKind.SLEEP,
        prompt="How well did you sleep last night?",
        labels=((0, "very badly"), (10, "very well")),
        minimum=0,
        maximum=10,
    ),
}

DEFAULT_CHECKIN_KINDS: tuple[QuestionKind, ...] = (
    QuestionKind.CRAVING,
    QuestionKind.MOOD,
    QuestionKind.TRIGGERS,
    QuestionKind.USE,
    QuestionKind.CONFIDENCE,
)


def default_checkin(*, has_triggers: bool) -> tuple[CheckinQuestion, ...]:
    """The check-in used when a plan has none; the triggers question needs triggers to list."""
    return tuple(
        BUILTIN_QUESTIONS[kind]
        for kind in DEFAULT_CHECKIN_KINDS
        if has_triggers or kind is not QuestionKind.TRIGGERS
    )
