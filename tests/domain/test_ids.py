"""Row ids: unique, 32 hex characters, in creation order across milliseconds."""

from __future__ import annotations

import time

from bot.domain.ids import initials, new_id, patient_reference


def test_ids_are_32_hex_characters_and_never_repeat() -> None:
    ids = [new_id() for _ in range(20_000)]
    assert len(set(ids)) == len(ids)
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)


def test_ids_made_later_sort_after_earlier_ones() -> None:
    # rows made together sit together at the end of each primary-key index
    first = new_id()
    time.sleep(0.002)
    second = new_id()
    assert first < second
    assert first[:12] <= second[:12]


def test_ids_carry_80_random_bits_after_the_time() -> None:
    tails = {new_id()[12:] for _ in range(1_000)}
    assert len(tails) == 1_000


def test_references_and_initials() -> None:
    assert patient_reference(42) == "P-0042"
    assert initials("Jane Q. Doe") == "J.D."
    assert initials("  ") == "?"
