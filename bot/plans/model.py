"""The relapse-prevention plan as frozen dataclasses, parsed from the clinician's YAML text.

The database keeps the YAML text (comments and all); a ``Plan`` is what that text means.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from bot.domain.model import Level


class TriggerKind(StrEnum):
    PERSON = "person"
    PLACE = "place"
    THING = "thing"
    FEELING = "feeling"
    THOUGHT = "thought"
    EVENT = "event"  # a time or an event: payday, an anniversary, Friday evening


class WarningStage(StrEnum):
    """Relapse is a process: emotional, then mental, then physical."""

    EMOTIONAL = "emotional"
    MENTAL = "mental"
    PHYSICAL = "physical"


class CopingKind(StrEnum):
    URGE_SURFING = "urge_surfing"
    LEAVE_SITUATION = "leave_situation"
    CALL_SOMEONE = "call_someone"
    BREATHING = "breathing"
    DELAY_DISTRACT = "delay_distract"
    HALT_CHECK = "halt_check"  # hungry, angry, lonely, tired?
    MEETING = "meeting"
    MOVEMENT = "movement"
    REASONS = "reasons"  # re-read my reasons for recovery
    SOCIAL_DISTRACTION = "social_distraction"  # people and places that take my mind off it
    OTHER = "other"


class QuestionKind(StrEnum):
    CRAVING = "craving"
    MOOD = "mood"
    TRIGGERS = "triggers"
    WARNING_SIGNS = "warning_signs"  # multi-select of the plan's warning signs
    USE = "use"
    CONFIDENCE = "confidence"
    SLEEP = "sleep"
    SCALE = "scale"
    YESNO = "yesno"
    CHOICE = "choice"
    TEXT = "text"

    @property
    def builtin(self) -> bool:
        return self in BUILTIN_KINDS


BUILTIN_KINDS = frozenset(
    {
        QuestionKind.CRAVING,
        QuestionKind.MOOD,
        QuestionKind.TRIGGERS,
        QuestionKind.WARNING_SIGNS,
        QuestionKind.USE,
        QuestionKind.CONFIDENCE,
        QuestionKind.SLEEP,
    }
)

Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAYS: tuple[Day, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Trigger:
    id: str
    label: str
    kind: TriggerKind
    coping: tuple[str, ...] = ()  # ids of the coping strategies that help with it


@dataclass(frozen=True)
class WarningSign:
    id: str
    text: str
    stage: WarningStage | None = None
    escalate: bool = False  # always alert the care team when the patient reports it
    label: str | None = None  # short form for check-in buttons when the text is long

    @property
    def button_label(self) -> str:
        return self.label or self.text


@dataclass(frozen=True)
class CopingStrategy:
    id: str
    title: str
    kind: CopingKind = CopingKind.OTHER
    steps: tuple[str, ...] = ()


@dataclass(frozen=True)
class Support:
    name: str
    contact: str
    relationship: str | None = None


@dataclass(frozen=True)
class Professional:
    name: str
    role: str
    contact: str


@dataclass(frozen=True)
class CrisisLine:
    name: str
    contact: str
    text: str | None = None  # e.g. "Text HOME to 741741"


@dataclass(frozen=True)
class CrisisInfo:
    """Crisis lines and the emergency number. In a plan, empty parts fall back to defaults."""

    lines: tuple[CrisisLine, ...] = ()
    emergency: str | None = None


@dataclass(frozen=True)
class AfterSlip:
    message: str | None = None
    steps: tuple[str, ...] = ()


@dataclass(frozen=True)
class HighRiskTime:
    label: str
    days: tuple[Day, ...]  # every day when all seven are listed (written ``*``)
    time: str  # HH:MM, local wall-clock time
    timezone: str | None = None  # IANA name; None means the patient's own zone


@dataclass(frozen=True)
class CheckinQuestion:
    id: str
    kind: QuestionKind
    prompt: str
    optional: bool = False
    minimum: int | None = None  # scales (built-in scales are 0..10)
    maximum: int | None = None
    labels: tuple[tuple[int, str], ...] = ()  # scale value -> words shown beside it
    options: tuple[str, ...] = ()  # choice questions
    multiple: bool = False  # choice: more than one option may be picked


Off = Literal["off"]
OFF: Off = "off"


@dataclass(frozen=True)
class EscalationOverrides:
    """What a plan changes about the deployment's escalation defaults (None: keep default)."""

    craving_at_least: int | Off | None = None
    any_use: bool | None = None
    confidence_at_most: int | Off | None = None
    missed_in_a_row: int | Off | None = None
    silence_days: int | Off | None = None
    warning_signs: tuple[str, ...] = ()  # ids that always escalate, besides escalate: true
    levels: tuple[tuple[str, Level], ...] = ()  # rule key -> level it produces
    tell_patient: bool | None = None  # tell the patient their care team was alerted


@dataclass(frozen=True)
class Plan:
    reasons: tuple[str, ...]
    triggers: tuple[Trigger, ...] = ()
    warning_signs: tuple[WarningSign, ...] = ()
    coping: tuple[CopingStrategy, ...] = ()
    supports: tuple[Support, ...] = ()
    professionals: tuple[Professional, ...] = ()
    crisis: CrisisInfo = CrisisInfo()
    after_a_slip: AfterSlip | None = None
    safe_environment: tuple[str, ...] = ()
    high_risk_times: tuple[HighRiskTime, ...] = ()
    checkin: tuple[CheckinQuestion, ...] = ()
    checkin_is_default: bool = True
    escalation: EscalationOverrides = EscalationOverrides()
    text: str = field(default="", compare=False, repr=False)  # the YAML source

    def coping_by_id(self, coping_id: str) -> CopingStrategy | None:
        return next((c for c in self.coping if c.id == coping_id), None)

    def trigger_by_id(self, trigger_id: str) -> Trigger | None:
        return next((t for t in self.triggers if t.id == trigger_id), None)

    def question_by_id(self, question_id: str) -> CheckinQuestion | None:
        return next((q for q in self.checkin if q.id == question_id), None)
