"""Episodes: findings about one patient close together in time are one escalation.

A crisis message, an SOS a minute later and a check-in with a high craving are one
episode, not three alerts. Findings of the rules in :data:`EPISODE_RULES` (what the
patient is going through now) join the newest unresolved escalation of any of those rules
raised within the episode window; other rules (engagement and delivery problems, notices)
join only an escalation of their own rule within the merge window.

How a finding is placed (:func:`place`), each decision with its reason:

- nothing to join → a new escalation that alerts from the first step;
- the escalation was acknowledged and the finding is crisis or urgent → a new escalation
  that names the one before and alerts afresh (someone took the last alert; adding to it
  would alert nobody, while the patient is told the team was alerted);
- it is open and the finding is more severe → added, the level rises, and one re-alert;
- otherwise → added to the timeline, no alert.

Severity is the level, with a medical emergency (someone not breathing, not waking up)
above any other crisis: an emergency joining an open crisis escalation re-alerts once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.model import Escalation, EscalationStatus, Level
from bot.domain.risk import EMERGENCY_REASON, Finding

EPISODE_RULES: frozenset[str] = frozenset(
    {
        "sos",
        "triage_crisis",
        "triage_concern",
        "reported_use",
        "craving_high",
        "warning_sign",
        "low_confidence",
        "craving_trend",
    }
)
"""Rules about the patient's state now; their findings share one escalation per episode."""

ALERT_AGAIN = frozenset({Level.CRISIS, Level.URGENT})  # never only "added" to a taken alert


class Placement(StrEnum):
    """Where a finding goes; the value is the timeline event it writes."""

    RAISED = "raised"  # a new escalation
    FOLLOWS = "follows"  # a new escalation after one someone took
    UPGRADED = "upgraded"  # joins, and the escalation got more severe
    ADDED = "added"  # joins at the same or a lower severity


@dataclass(frozen=True)
class Decision:
    placement: Placement
    alert: bool
    reason: str

    @property
    def new(self) -> bool:
        return self.placement in (Placement.RAISED, Placement.FOLLOWS)


def joins_with(rule: str) -> frozenset[str]:
    """The rules whose unresolved escalation a finding of ``rule`` may join."""
    return EPISODE_RULES if rule in EPISODE_RULES else frozenset({rule})


def is_episode(rule: str) -> bool:
    return rule in EPISODE_RULES


def carries_emergency(reasons: Sequence[str]) -> bool:
    """Whether these escalation reasons include a medical emergency."""
    return any(reason.startswith(EMERGENCY_REASON) for reason in reasons)


def severity(level: Level, *, emergency: bool) -> tuple[int, bool]:
    """Ordered: the level first, then a medical emergency above the same level."""
    return (level.rank, emergency)


def place(existing: Escalation | None, finding: Finding) -> Decision:
    """Decide whether ``finding`` opens an escalation or joins ``existing`` (the newest
    unresolved one it may join, see :func:`joins_with`), and whether anyone is alerted."""
    if existing is None or existing.status is EscalationStatus.RESOLVED:
        return Decision(Placement.RAISED, True, "no open escalation to join")
    if existing.status is not EscalationStatus.OPEN and finding.level in ALERT_AGAIN:
        return Decision(
            Placement.FOLLOWS,
            True,
            f"{existing.reference} was already taken; a {finding.level.value} finding "
            "alerts afresh",
        )
    before = severity(existing.level, emergency=carries_emergency(existing.reasons))
    after = severity(finding.level, emergency=finding.emergency)
    if after > before:
        opened = existing.status is EscalationStatus.OPEN
        why = "a medical emergency" if after[0] == before[0] else f"now {finding.level.value}"
        return Decision(
            Placement.UPGRADED,
            opened,
            f"{why}: re-alert" if opened else f"{why}; already taken, no re-alert",
        )
    return Decision(Placement.ADDED, False, "same or lower severity: no new alert")
