"""Pacing buckets with a fake clock: no window Telegram measures is ever exceeded."""

from __future__ import annotations

import itertools

import pytest

from bot.delivery.pacing import Pacer


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def send_all(pacer: Pacer, clock: FakeClock, chat: int, count: int) -> list[float]:
    times = []
    for _ in range(count):
        wait = pacer.wait(chat)
        clock.now += wait
        pacer.take(chat)
        times.append(clock.now)
    return times


def max_in_window(times: list[float], window: float) -> int:
    return max(sum(1 for t in times if start <= t < start + window) for start in times)


def test_a_private_chat_gets_a_short_burst_then_one_per_second() -> None:
    clock = FakeClock()
    pacer = Pacer(rate=25, chat_burst=3, chat_rate=1.0, clock=clock)
    times = send_all(pacer, clock, 42, 8)
    assert times[:3] == [1000.0, 1000.0, 1000.0]
    gaps = [b - a for a, b in itertools.pairwise(times[3:])]
    assert all(gap >= 1.0 for gap in gaps)


@pytest.mark.parametrize("rate", [25.0, 29.0, 10.0])
def test_overall_sending_never_exceeds_thirty_in_any_second(rate: float) -> None:
    clock = FakeClock()
    pacer = Pacer(rate=rate, clock=clock)
    times = []
    for chat in range(1, 200):
        times.extend(send_all(pacer, clock, chat, 1))
    assert max_in_window(times, 1.0) <= 30
    assert max_in_window(times, 1.0) >= min(rate, 25) - 1  # and pacing is not needlessly slow


def test_a_group_never_gets_more_than_twenty_a_minute() -> None:
    clock = FakeClock()
    pacer = Pacer(group_per_minute=20, clock=clock)
    times = send_all(pacer, clock, -1001, 45)
    assert max_in_window(times, 60.0) <= 20


def test_a_pause_holds_one_chat_and_a_global_pause_holds_all() -> None:
    clock = FakeClock()
    pacer = Pacer(clock=clock)
    pacer.pause_chat(7, 3)
    assert pacer.wait(7) == pytest.approx(3)
    assert pacer.wait(8) == 0
    pacer.pause_all(2)
    assert pacer.wait(8) == pytest.approx(2)
