"""Risk thresholds: the values that turn a signal into a finding, and the level it gets.

A patient's plan may set some of them; everything else comes from the deployment
defaults (:data:`DEFAULT_THRESHOLDS`). Each threshold remembers whether it came from the
plan, so a finding can say "plan threshold 8" or "default threshold 8".

A threshold set to ``None`` (or ``any_use=False``) switches its rule off. Three levels are
deliberately not configurable: an SOS press and crisis language in free text are always
:attr:`Level.CRISIS`, and a message that could not be processed is always
:attr:`Level.WARN` (see :mod:`bot.domain.risk`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any, Literal

from bot.domain.errors import InvalidInput
from bot.domain.model import Level

SCALE_MIN = 0
SCALE_MAX = 10

Origin = Literal["plan", "default"]


class InvalidThresholds(InvalidInput):
    """A threshold is unknown, of the wrong type or out of range; the message says which."""


@dataclass(frozen=True)
class Thresholds:
    """When each risk rule fires, and at which level. Immutable; see :func:`override_thresholds`."""

    craving_at_least: int | None = 8
    craving_level: Level = Level.URGENT
    any_use: bool = True
    use_level: Level = Level.URGENT
    confidence_at_most: int | None = 3
    confidence_level: Level = Level.WARN
    missed_in_a_row: int | None = 3
    missed_level: Level = Level.WARN
    silence_days: int | None = 4
    silence_level: Level = Level.WARN
    always_escalate_warning_signs: frozenset[str] = frozenset()
    warning_sign_level: Level = Level.URGENT
    trend_rise: float | None = 3.0
    trend_level: Level = Level.WARN
    triage_concern_level: Level = Level.WARN
    blocked_bot_level: Level = Level.WARN
    delivery_failed_level: Level = Level.WARN
    plan_fields: frozenset[str] = frozenset()  # names whose value came from the plan

    def __post_init__(self) -> None:
        for name in ("craving_at_least", "confidence_at_most"):
            value = getattr(self, name)
            if value is not None and not SCALE_MIN <= value <= SCALE_MAX:
                raise InvalidThresholds(
                    f"{name} must be between {SCALE_MIN} and {SCALE_MAX} (got {value})"
                )
        for name in ("missed_in_a_row", "silence_days"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise InvalidThresholds(f"{name} must be at least 1 (got {value})")
        if self.trend_rise is not None and self.trend_rise <= 0:
            raise InvalidThresholds(f"trend_rise must be above 0 (got {self.trend_rise})")
        unknown = self.plan_fields - set(_CONFIGURABLE)
        if unknown:
            raise InvalidThresholds(f"plan_fields names unknown thresholds: {sorted(unknown)}")

    def origin(self, name: str) -> Origin:
        """Where the value of threshold ``name`` came from: ``"plan"`` or ``"default"``."""
        return "plan" if name in self.plan_fields else "default"


_CONFIGURABLE: tuple[str, ...] = tuple(
    f.name for f in fields(Thresholds) if f.name != "plan_fields"
)

DEFAULT_THRESHOLDS = Thresholds()


def override_thresholds(
    base: Thresholds, overrides: Mapping[str, object], *, origin: Origin = "plan"
) -> Thresholds:
    """``base`` with the named values replaced, checked and (by default) marked as from the plan.

    ``overrides`` is what a plan says, e.g. ``{"craving_at_least": 7, "craving_level":
    "crisis"}``. Levels may be given as :class:`Level` or its name; warning signs as any
    iterable of ids. Raises :class:`InvalidThresholds` naming the bad key and what is valid.
    """
    changes: dict[str, Any] = {}  # each value checked by _coerce for its field
    for name, raw in overrides.items():
        if name not in _CONFIGURABLE:
            raise InvalidThresholds(
                f"unknown threshold {name!r}; valid names are: {', '.join(_CONFIGURABLE)}"
            )
        changes[name] = _coerce(name, raw)
    if origin == "plan":
        marked = base.plan_fields | frozenset(changes)
    else:
        marked = base.plan_fields - frozenset(changes)
    return replace(base, **changes, plan_fields=marked)


def _coerce(name: str, raw: object) -> object:
    if name.endswith("_level"):
        return _level(name, raw)
    if name == "any_use":
        if not isinstance(raw, bool):
            raise InvalidThresholds(f"any_use must be true or false (got {raw!r})")
        return raw
    if name == "always_escalate_warning_signs":
        if isinstance(raw, str) or not isinstance(raw, Iterable):
            raise InvalidThresholds(f"{name} must be a list of warning sign ids (got {raw!r})")
        ids = frozenset(raw)
        if not all(isinstance(i, str) and i for i in ids):
            raise InvalidThresholds(f"{name} must hold non-empty warning sign ids")
        return ids
    if raw is None:
        return None
    if name == "trend_rise":
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise InvalidThresholds(f"trend_rise must be a number (got {raw!r})")
        return float(raw)
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise InvalidThresholds(f"{name} must be a whole number (got {raw!r})")
    return raw


def _level(name: str, raw: object) -> Level:
    if isinstance(raw, Level):
        return raw
    try:
        return Level(str(raw).strip().lower())
    except ValueError:
        valid = ", ".join(level.value for level in Level)
        raise InvalidThresholds(f"{name} must be one of {valid} (got {raw!r})") from None
