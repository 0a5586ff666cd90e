"""Pacing state stays small over a long life: chats gone quiet are forgotten, pauses kept."""

from __future__ import annotations

from bot.delivery.pacing import Pacer
from tests.delivery.test_pacing import FakeClock


def test_chats_gone_quiet_are_forgotten_and_come_back_with_a_full_burst() -> None:
    clock = FakeClock()
    pacer = Pacer(chat_burst=3, clock=clock)
    for chat in (1, 2, 3):
        pacer.take(chat)
    clock.now += 600
    pacer.forget_idle()
    assert pacer.tracked_chats == 0
    assert pacer.wait(1) == 0


def test_a_chat_told_to_wait_keeps_waiting_when_idle_chats_are_forgotten() -> None:
    clock = FakeClock()
    pacer = Pacer(clock=clock)
    pacer.take(7)
    pacer.pause_chat(7, 1000)  # a long 429
    clock.now += 600
    pacer.forget_idle()
    assert pacer.wait(7) > 0


def test_pauses_that_are_over_are_forgotten_too() -> None:
    clock = FakeClock()
    pacer = Pacer(clock=clock)
    pacer.pause_chat(8, 5)  # a chat never sent to from here, told to wait
    clock.now += 600
    pacer.forget_idle()
    assert pacer.tracked_chats == 0
