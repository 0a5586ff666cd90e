"""Escalation thresholds: deployment defaults as data, and a plan's overrides applied to them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bot.domain.model import Level
from bot.plans.model import OFF, Plan

# Rule keys, as written under ``escalation.levels`` in a plan.
LEVEL_KEYS: tuple[str, ...] = (
    "craving",
    "any_use",
    "confidence",
    "missed",
    "silence",
    "warning_signs",
)
ALLOWED_LEVELS: tuple[Level, ...] = (Level.WARN, Level.URGENT, Level.CRISIS)


@dataclass(frozen=True)
class EscalationRule:
    """One active rule, with the words a clinician reads when it fires."""

    key: str
    level: Level
    reason: str


@dataclass(frozen=True)
class EscalationRules:
    """Complete thresholds; ``None`` switches a numeric rule off."""

    craving_at_least: int | None = 8
    any_use: bool = True
    confidence_at_most: int | None = 3
    missed_in_a_row: int | None = 3
    silence_days: int | None = 4
    warning_signs: frozenset[str] = field(default_factory=frozenset)
    craving_level: Level = Level.URGENT
    any_use_level: Level = Level.URGENT
    confidence_level: Level = Level.WARN
    missed_level: Level = Level.WARN
    silence_level: Level = Level.WARN
    warning_signs_level: Level = Level.URGENT

    def rules(self) -> list[EscalationRule]:
        """The active rules as a table of key, level and reason."""
        table: list[EscalationRule] = []
        if self.craving_at_least is not None:
            table.append(
                EscalationRule(
                    "craving", self.craving_level, f"craving {self.craving_at_least} or more (0-10)"
                )
            )
        if self.any_use:
            table.append(
                EscalationRule(
                    "any_use", self.any_use_level, "any use reported since the last check-in"
                )
            )
        if self.confidence_at_most is not None:
            table.append(
                EscalationRule(
                    "confidence",
                    self.confidence_level,
                    f"confidence {self.confidence_at_most} or less (0-10)",
                )
            )
        if self.missed_in_a_row is not None:
            table.append(
                EscalationRule(
                    "missed", self.missed_level, f"{self.missed_in_a_row} check-ins missed in a row"
                )
            )
        if self.silence_days is not None:
            table.append(
                EscalationRule(
                    "silence",
                    self.silence_level,
                    f"no word from the patient for {self.silence_days} days",
                )
            )
        if self.warning_signs:
            signs = ", ".join(sorted(self.warning_signs))
            table.append(
                EscalationRule(
                    "warning_signs",
                    self.warning_signs_level,
                    f"warning sign reported that always escalates: {signs}",
                )
            )
        return table


DEFAULT_ESCALATION = EscalationRules()


def effective_escalation(
    plan: Plan, defaults: EscalationRules = DEFAULT_ESCALATION
) -> EscalationRules:
    """The deployment defaults with the plan's overrides and escalating warning signs applied."""
    o = plan.escalation
    rules = defaults
    if o.craving_at_least is not None:
        rules = replace(
            rules, craving_at_least=None if o.craving_at_least == OFF else o.craving_at_least
        )
    if o.any_use is not None:
        rules = replace(rules, any_use=o.any_use)
    if o.confidence_at_most is not None:
        rules = replace(
            rules, confidence_at_most=None if o.confidence_at_most == OFF else o.confidence_at_most
        )
    if o.missed_in_a_row is not None:
        rules = replace(
            rules, missed_in_a_row=None if o.missed_in_a_row == OFF else o.missed_in_a_row
        )
    if o.silence_days is not None:
        rules = replace(rules, silence_days=None if o.silence_days == OFF else o.silence_days)
    signs = set(defaults.warning_signs) | set(o.warning_signs)
    signs |= {sign.id for sign in plan.warning_signs if sign.escalate}
    rules = replace(rules, warning_signs=frozenset(signs))
    levels = dict(o.levels)
    return replace(
        rules,
        craving_level=levels.get("craving", rules.craving_level),
        any_use_level=levels.get("any_use", rules.any_use_level),
        confidence_level=levels.get("confidence", rules.confidence_level),
        missed_level=levels.get("missed", rules.missed_level),
        silence_level=levels.get("silence", rules.silence_level),
        warning_signs_level=levels.get("warning_signs", rules.warning_signs_level),
    )


# plan level key -> the name bot.domain.thresholds uses for it
_THRESHOLD_LEVEL_NAMES = {
    "craving": "craving_level",
    "any_use": "use_level",
    "confidence": "confidence_level",
    "missed": "missed_level",
    "silence": "silence_level",
    "warning_signs": "warning_sign_level",
}


def threshold_overrides(plan: Plan) -> dict[str, object]:
    """What the plan sets, named as ``bot.domain.thresholds.override_thresholds`` expects.

    Only values the plan itself sets appear; ``None`` switches a numeric rule off.
    """
    o = plan.escalation
    found: dict[str, object] = {}
    numbers = {
        "craving_at_least": o.craving_at_least,
        "confidence_at_most": o.confidence_at_most,
        "missed_in_a_row": o.missed_in_a_row,
        "silence_days": o.silence_days,
    }
    for name, value in numbers.items():
        if value is not None:
            found[name] = None if value == OFF else value
    if o.any_use is not None:
        found["any_use"] = o.any_use
    signs = set(o.warning_signs) | {s.id for s in plan.warning_signs if s.escalate}
    if signs:
        found["always_escalate_warning_signs"] = frozenset(signs)
    for key, level in o.levels:
        found[_THRESHOLD_LEVEL_NAMES[key]] = level
    return found
