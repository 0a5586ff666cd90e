"""When a plan version is flagged for review, and why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.plans.review import review_flags, review_reasons

CREATED = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def day(n: float) -> datetime:
    return CREATED + timedelta(days=n)


FIRST_WEEK_LOW = [(day(1), 2), (day(3), 3), (day(5), 4)]  # average 3

CASES = [
    # name, days since the version, not-helping ratings, craving answers, rules flagged
    ("new_quiet_plan", 10, [], FIRST_WEEK_LOW, []),
    ("exactly_90_days_is_not_yet_old", 90, [], [], []),
    ("older_than_90_days", 91, [], [], ["age"]),
    ("one_not_helping_rating_is_not_enough", 20, ["breathe"], [], []),
    ("two_not_helping_ratings_flag", 20, ["breathe", "walk", "breathe"], [], ["not_helping"]),
    (
        "cravings_two_points_higher",
        30,
        [],
        [*FIRST_WEEK_LOW, (day(20), 5), (day(21), 5), (day(22), 5)],
        ["cravings_worse"],
    ),
    (
        "cravings_slightly_higher",
        30,
        [],
        [*FIRST_WEEK_LOW, (day(20), 4), (day(21), 5), (day(22), 5)],
        [],
    ),
    (
        "only_the_last_three_count",
        30,
        [],
        [*FIRST_WEEK_LOW, (day(10), 9), (day(20), 3), (day(21), 3), (day(22), 3)],
        [],
    ),
    ("too_few_later_answers", 30, [], [*FIRST_WEEK_LOW, (day(20), 9), (day(21), 9)], []),
    ("no_first_week_answers", 30, [], [(day(20), 9), (day(21), 9), (day(22), 9)], []),
    (
        "answers_before_the_version_are_ignored",
        30,
        [],
        [(day(-3), 0), (day(2), 6), (day(20), 7), (day(21), 7), (day(22), 7)],
        [],
    ),
    (
        "everything_at_once",
        120,
        ["walk", "walk"],
        [*FIRST_WEEK_LOW, (day(100), 8), (day(101), 8), (day(102), 8)],
        ["age", "not_helping", "cravings_worse"],
    ),
]


@pytest.mark.parametrize(
    ("days", "not_helping", "cravings", "flagged"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_review_rules(
    days: int, not_helping: list[str], cravings: list[tuple[datetime, int]], flagged: list[str]
) -> None:
    flags = review_flags(CREATED, day(days), not_helping=not_helping, cravings=cravings)

    assert [flag.rule for flag in flags] == flagged


def test_reasons_are_readable_and_name_the_strategy() -> None:
    reasons = review_reasons(
        CREATED,
        day(100),
        not_helping=["breathe", "breathe", "breathe"],
        cravings=[*FIRST_WEEK_LOW, (day(50), 6), (day(60), 6), (day(70), 7)],
        titles={"breathe": "Slow breathing"},
    )

    assert reasons == [
        "This plan version is 100 days old; plans are reviewed at least every 90 days",
        "Coping strategy 'Slow breathing' was rated as not helping 3 times",
        "Cravings are higher since this version: the last 3 answers average 6.3, against 3.0 "
        "in its first 7 days",
    ]


def test_the_age_limit_can_be_set_shorter_for_safety_plans() -> None:
    assert review_reasons(CREATED, day(31), max_age_days=30) != []
    assert review_reasons(CREATED, day(30), max_age_days=30) == []
