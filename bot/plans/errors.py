"""Errors of the plan package: each one says where the problem is and what would be valid."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class PlanError:
    """One problem in a plan's YAML text, located by line and column (both 1-based).

    ``path`` names the place in the plan, e.g. ``triggers[2].coping[0]``; it is empty for
    problems that belong to no particular key (YAML syntax, an empty document).
    """

    source: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}:{self.column}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class PlanInvalid(InvalidInput):
    """The plan text does not validate. ``errors`` lists every problem found, in text order."""

    def __init__(self, errors: Sequence[PlanError]) -> None:
        self.errors: list[PlanError] = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


class UnknownTemplate(NotFound):
    """No plan template has this name."""

    def __init__(self, name: str, known: Sequence[str]) -> None:
        self.name = name
        self.known = list(known)
        super().__init__(f"no plan template named {name!r}; templates: {', '.join(known)}")


class UnknownSection(NotFound):
    """No plan section has this key."""

    def __init__(self, key: str, known: Sequence[str]) -> None:
        self.key = key
        super().__init__(f"no plan section named {key!r}; sections: {', '.join(known)}")


class SuggestionNotApplicable(InvalidInput):
    """A patient's suggestion cannot be applied to this plan (the reason says why)."""


class UnknownTrigger(NotFound):
    """The plan has no trigger with this id (a stale or forged button)."""
