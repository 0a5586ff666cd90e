"""Where a finding goes: a new escalation, a new one after a taken one, or joined to an open
episode, and whether that alerts anyone. The rule as a table."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.episodes import EPISODE_RULES, Placement, joins_with, place
from bot.domain.model import Escalation, EscalationStatus, Level
from bot.domain.risk import EMERGENCY_REASON, RULE_IDS, Finding, Signals, TriageSignal, assess

NOW = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
OPEN, TAKEN = EscalationStatus.OPEN, EscalationStatus.ACKNOWLEDGED
EMERGENCY = f"{EMERGENCY_REASON}: medical emergency: 'not breathing'"


def escalation(level: Level, status: EscalationStatus, *reasons: str) -> Escalation:
    return Escalation(
        id="e1",
        number=1,
        patient_id="p1",
        rule="sos",
        level=level,
        status=status,
        reasons=reasons or ("SOS pressed",),
        created_at=NOW,
        updated_at=NOW,
    )


def finding(level: Level, *, emergency: bool = False) -> Finding:
    return Finding("triage_crisis", level, EMERGENCY if emergency else "a reason", emergency)


@pytest.mark.parametrize(
    ("existing", "new", "placement", "alert"),
    [
        pytest.param(None, finding(Level.WARN), Placement.RAISED, True, id="nothing open: new"),
        pytest.param(
            escalation(Level.WARN, OPEN),
            finding(Level.URGENT),
            Placement.UPGRADED,
            True,
            id="open, higher: re-alert",
        ),
        pytest.param(
            escalation(Level.CRISIS, OPEN),
            finding(Level.CRISIS),
            Placement.ADDED,
            False,
            id="open, same: added",
        ),
        pytest.param(
            escalation(Level.CRISIS, OPEN),
            finding(Level.URGENT),
            Placement.ADDED,
            False,
            id="open, lower: added",
        ),
        pytest.param(
            escalation(Level.CRISIS, OPEN),
            finding(Level.CRISIS, emergency=True),
            Placement.UPGRADED,
            True,
            id="open crisis, emergency joins: re-alert",
        ),
        pytest.param(
            escalation(Level.CRISIS, OPEN, "SOS pressed", EMERGENCY),
            finding(Level.CRISIS, emergency=True),
            Placement.ADDED,
            False,
            id="open emergency, another emergency: added",
        ),
        pytest.param(
            escalation(Level.CRISIS, TAKEN),
            finding(Level.CRISIS),
            Placement.FOLLOWS,
            True,
            id="taken, crisis: new episode",
        ),
        pytest.param(
            escalation(Level.CRISIS, TAKEN),
            finding(Level.URGENT),
            Placement.FOLLOWS,
            True,
            id="taken, urgent: new episode",
        ),
        pytest.param(
            escalation(Level.CRISIS, TAKEN),
            finding(Level.WARN),
            Placement.ADDED,
            False,
            id="taken, warn: added",
        ),
        pytest.param(
            escalation(Level.INFO, TAKEN),
            finding(Level.WARN),
            Placement.UPGRADED,
            False,
            id="taken, warn above info: level rises, nobody re-alerted",
        ),
    ],
)
def test_where_a_finding_goes_and_whether_it_alerts(
    existing: Escalation | None, new: Finding, placement: Placement, alert: bool
) -> None:
    decision = place(existing, new)
    assert (decision.placement, decision.alert) == (placement, alert)
    assert decision.reason


def test_an_emergency_finding_from_the_rules_is_marked_and_its_reason_says_so() -> None:
    signals = Signals(triage=TriageSignal("crisis", ("not breathing",)), emergency=True)
    (found,) = assess(signals).findings
    assert found.emergency and found.reason.startswith(EMERGENCY_REASON)
    plain = assess(Signals(triage=TriageSignal("crisis", ("want to die",)))).findings[0]
    assert not plain.emergency and not plain.reason.startswith(EMERGENCY_REASON)


def test_episode_rules_are_risk_rules_and_share_one_episode() -> None:
    assert EPISODE_RULES <= RULE_IDS
    assert joins_with("sos") == joins_with("craving_high") == EPISODE_RULES


@pytest.mark.parametrize(
    "rule", ["missed_checkins", "silence", "blocked_bot", "delivery_failed", "plan_review"]
)
def test_engagement_and_notice_rules_join_only_their_own_rule(rule: str) -> None:
    assert joins_with(rule) == frozenset({rule})
