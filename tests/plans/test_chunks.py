"""Packing text into messages: within the limit, between items, never inside a word."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.plans.chunks import CONTINUED, pack_messages, telegram_length
from bot.plans.limits import MESSAGE_LIMIT

HEADER = "Ways to cope"
word = st.text(
    alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "So"]),
    min_size=1,
    max_size=30,
)
line = st.lists(word, min_size=1, max_size=400).map(" ".join)
block = st.lists(line, min_size=1, max_size=6).map("\n".join)


def body_words(messages: list[str]) -> list[str]:
    words: list[str] = []
    for index, message in enumerate(messages):
        heading = HEADER if index == 0 else HEADER + CONTINUED
        assert message.startswith(heading)
        words += message[len(heading) :].split()
    return words


@given(st.lists(block, min_size=1, max_size=12))
def test_messages_fit_and_no_word_is_split_or_lost(blocks: list[str]) -> None:
    messages = pack_messages(HEADER, blocks)

    assert all(telegram_length(m) <= MESSAGE_LIMIT for m in messages)
    assert body_words(messages) == [w for b in blocks for w in b.split()]


# words are at most 30 characters (60 UTF-16 units): every limit here leaves room for one
@given(st.lists(block, min_size=1, max_size=8), st.integers(min_value=100, max_value=600))
def test_any_limit_is_respected(blocks: list[str], limit: int) -> None:
    messages = pack_messages(HEADER, blocks, limit=limit)

    assert all(telegram_length(m) <= limit for m in messages)
    assert body_words(messages) == [w for b in blocks for w in b.split()]


def test_emoji_count_as_two_as_telegram_counts_them() -> None:
    assert telegram_length("🙂") == 2 and telegram_length("é") == 1


def test_an_item_that_does_not_fit_moves_whole_to_the_next_message() -> None:
    first, second = "a " * 20, "b " * 20

    messages = pack_messages("H", [first, second], limit=60)

    assert messages == ["H\n\n" + first.strip(), "H (continued)\n\n" + second.strip()]


def test_a_section_that_fits_is_one_message() -> None:
    assert pack_messages("H", ["one", "two"]) == ["H\n\none\n\ntwo"]


def test_a_word_longer_than_a_whole_message_is_the_only_thing_ever_cut() -> None:
    giant = "x" * 150

    messages = pack_messages("H", [giant], limit=100)

    assert all(len(m) <= 100 for m in messages)
    assert "".join(m.split("\n\n", 1)[1] for m in messages) == giant
