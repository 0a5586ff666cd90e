"""Fault rules fire by count or by seeded rate, and only for the calls they name."""

from __future__ import annotations

import pytest

from bot.sandbox.faults import FaultError, FaultKind, FaultPlan


def test_a_counted_fault_fires_for_the_next_n_matching_calls_only() -> None:
    plan = FaultPlan()
    plan.add(kind="500", method="sendMessage", count=2)
    fired = [plan.pick("sendMessage", 1) is not None for _ in range(4)]
    assert fired == [True, True, False, False]


def test_a_fault_for_one_method_leaves_others_alone() -> None:
    plan = FaultPlan()
    plan.add(kind="502", method="sendMessage", count=1)
    assert plan.pick("getUpdates", None) is None
    assert plan.pick("sendmessage", 1) is not None


def test_a_rated_fault_is_reproducible_with_a_seed() -> None:
    def pattern() -> list[bool]:
        plan = FaultPlan()
        plan.add(kind="429", rate=0.5, seed=7)
        return [plan.pick("sendMessage", 1) is not None for _ in range(40)]

    first = pattern()
    assert first == pattern()
    assert 5 < sum(first) < 35


def test_a_forbidden_fault_hits_only_its_chat() -> None:
    plan = FaultPlan()
    rule = plan.add(kind="403", chat_id=11, rate=1.0)
    assert rule.kind is FaultKind.FORBIDDEN
    assert plan.pick("sendMessage", 12) is None
    assert plan.pick("sendMessage", 11) is rule


@pytest.mark.parametrize(
    "settings",
    [
        {"kind": "500"},
        {"kind": "teapot", "count": 1},
        {"kind": "500", "rate": 1.5},
        {"kind": "500", "count": 0},
        {"kind": "500", "count": 1, "phase": "after"},
        {"kind": "500", "count": 1, "colour": "red"},
    ],
)
def test_a_fault_that_makes_no_sense_is_refused(settings: dict[str, object]) -> None:
    with pytest.raises(FaultError):
        FaultPlan().add(**settings)
