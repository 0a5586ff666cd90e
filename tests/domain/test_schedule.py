"""Schedule maths: one check-in per scheduled local time per day, whatever DST does.

Every test passes its own datetimes; no clock is read.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger

from bot.domain.errors import InvalidInput
from bot.domain.schedule import (
    DAYS,
    EVERY_DAY,
    WEEKDAYS,
    WEEKENDS,
    DueAction,
    InvalidSchedule,
    decide_due_action,
    format_days,
    format_local_time,
    load_zone,
    next_due,
    next_prompt_before,
    occurrence_key,
    occurrences,
    parse_days,
    parse_local_time,
)

NEW_YORK, LONDON, SYDNEY = "America/New_York", "Europe/London", "Australia/Sydney"


def local(tz: str, year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(tz))


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- parsing ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mon,tue", {"mon", "tue"}),
        (" Mon , WED,fri ", {"mon", "wed", "fri"}),
        ("sun", {"sun"}),
        ("mon,mon", {"mon"}),
        ("weekdays", {"mon", "tue", "wed", "thu", "fri"}),
        ("Weekends", {"sat", "sun"}),
        ("*", set(DAYS)),
    ],
)
def test_days_are_read_from_names_and_short_forms(text: str, expected: set[str]) -> None:
    assert parse_days(text) == expected


@pytest.mark.parametrize("text", ["", "  ", "monday", "mon,,tue", "mon;tue", "mon-fri", "daily"])
def test_unreadable_days_are_refused_with_the_valid_forms(text: str) -> None:
    with pytest.raises(InvalidSchedule) as caught:
        parse_days(text)

    message = str(caught.value)
    assert "'*' (every day), 'weekdays', 'weekends'" in message
    assert "mon, tue, wed, thu, fri, sat, sun" in message


def test_the_unreadable_day_is_named_in_the_message() -> None:
    with pytest.raises(InvalidSchedule, match="cannot read 'funday'"):
        parse_days("mon,funday")


def test_a_schedule_error_is_both_a_value_error_and_an_invalid_input() -> None:
    with pytest.raises(ValueError, match="days"):
        parse_days("x")
    with pytest.raises(InvalidInput):
        parse_days("x")


@pytest.mark.parametrize(
    ("days", "stored"),
    [(EVERY_DAY, "*"), (WEEKDAYS, "mon,tue,wed,thu,fri"), ({"sun", "mon"}, "mon,sun")],
)
def test_days_are_stored_in_week_order_and_read_back(days: frozenset[str], stored: str) -> None:
    assert format_days(days) == stored
    assert parse_days(stored) == days


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:00", time(9, 0)),
        ("9:00", time(9, 0)),
        ("20:30", time(20, 30)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
        (" 7:05 ", time(7, 5)),
    ],
)
def test_local_times_are_read_on_a_24_hour_clock(text: str, expected: time) -> None:
    assert parse_local_time(text) == expected


@pytest.mark.parametrize(
    "text", ["24:00", "9", "9:60", "09:00:00", "9am", "", "-1:00", "09:0", "123:00", "9.30"]
)
def test_unreadable_times_are_refused_with_the_valid_form(text: str) -> None:
    with pytest.raises(InvalidSchedule, match=r"use HH:MM on a 24-hour clock.*09:00 or 20:30"):
        parse_local_time(text)


def test_local_times_are_stored_as_hh_mm() -> None:
    assert format_local_time(parse_local_time("7:05")) == "07:05"


def test_an_unknown_time_zone_is_refused_with_an_example() -> None:
    with pytest.raises(InvalidSchedule, match=r"'Mars/Olympus'.*Europe/London"):
        load_zone("Mars/Olympus")


# --- DST: gaps and folds in three zones -------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "at", "day", "expected_utc", "expected_local"),
    [
        pytest.param(NEW_YORK, time(2, 30), date(2025, 3, 9), utc(2025, 3, 9, 7, 30),
                     time(3, 30), id="new-york-02:30"),
        pytest.param(NEW_YORK, time(2, 0), date(2025, 3, 9), utc(2025, 3, 9, 7, 0),
                     time(3, 0), id="new-york-02:00"),
        pytest.param(LONDON, time(1, 30), date(2025, 3, 30), utc(2025, 3, 30, 1, 30),
                     time(2, 30), id="london-01:30"),
        pytest.param(SYDNEY, time(2, 30), date(2025, 10, 5), utc(2025, 10, 4, 16, 30),
                     time(3, 30), id="sydney-02:30"),
    ],
)  # fmt: skip
def test_a_time_in_the_spring_forward_gap_is_shifted_forward_by_the_gap(
    tz: str, at: time, day: date, expected_utc: datetime, expected_local: time
) -> None:
    day_before_noon = datetime.combine(day - timedelta(days=1), time(12), ZoneInfo(tz))

    due = next_due(at, EVERY_DAY, tz, after=day_before_noon)

    assert due == expected_utc
    assert due.astimezone(ZoneInfo(tz)).date() == day
    assert due.astimezone(ZoneInfo(tz)).time() == expected_local


@pytest.mark.parametrize(
    ("tz", "at", "first", "next_day"),
    [
        pytest.param(NEW_YORK, time(1, 30), utc(2025, 11, 2, 5, 30), utc(2025, 11, 3, 6, 30),
                     id="new-york"),
        pytest.param(LONDON, time(1, 30), utc(2025, 10, 26, 0, 30), utc(2025, 10, 27, 1, 30),
                     id="london"),
        pytest.param(SYDNEY, time(2, 30), utc(2025, 4, 5, 15, 30), utc(2025, 4, 6, 16, 30),
                     id="sydney"),
    ],
)  # fmt: skip
def test_a_time_that_happens_twice_is_due_once_at_its_first_occurrence(
    tz: str, at: time, first: datetime, next_day: datetime
) -> None:
    day_before = first - timedelta(days=1)

    due = next_due(at, EVERY_DAY, tz, after=day_before)

    assert due == first
    assert due.astimezone(ZoneInfo(tz)).fold == 0
    assert next_due(at, EVERY_DAY, tz, after=due) == next_day


def test_now_between_the_two_occurrences_of_a_fall_back_time_moves_to_the_next_day() -> None:
    between = utc(2025, 11, 2, 6, 0)  # 01:00 EST, after 01:30 EDT, before 01:30 EST

    assert next_due(time(1, 30), EVERY_DAY, NEW_YORK, after=between) == utc(2025, 11, 3, 6, 30)


@pytest.mark.parametrize("tz", [NEW_YORK, LONDON, SYDNEY])
def test_a_midnight_check_in_is_not_skipped_around_dst_changes(tz: str) -> None:
    due = occurrences(time(0, 0), EVERY_DAY, tz, start=utc(2025, 1, 1), end=utc(2026, 1, 1))

    assert all(d.astimezone(ZoneInfo(tz)).time() == time(0, 0) for d in due)
    assert len({d.astimezone(ZoneInfo(tz)).date() for d in due}) == len(due) >= 364


def test_crontrigger_alone_fires_twice_on_the_fall_back_night() -> None:
    """Why next_due does not simply follow APScheduler: this would be two check-ins."""
    trigger = CronTrigger(hour=1, minute=30, timezone=ZoneInfo(NEW_YORK))
    start = utc(2025, 11, 1, 12)

    fires: list[datetime] = []
    previous: datetime | None = None
    for _ in range(3):
        previous = trigger.get_next_fire_time(previous, previous or start)
        fires.append(previous.astimezone(UTC))

    assert fires == [utc(2025, 11, 2, 5, 30), utc(2025, 11, 2, 6, 30), utc(2025, 11, 3, 6, 30)]


@pytest.mark.parametrize("tz", [NEW_YORK, LONDON, SYDNEY])
def test_next_due_agrees_with_crontrigger_on_ordinary_days(tz: str) -> None:
    trigger = CronTrigger(day_of_week="mon,thu", hour=9, minute=15, timezone=ZoneInfo(tz))
    after = utc(2025, 7, 1)

    ours = occurrences(time(9, 15), frozenset({"mon", "thu"}), tz, after, utc(2025, 8, 1))
    theirs: list[datetime] = []
    previous: datetime | None = None
    while len(theirs) < len(ours):
        previous = trigger.get_next_fire_time(previous, previous or after)
        theirs.append(previous.astimezone(UTC))

    assert ours == theirs and len(ours) == 9


# --- a year-long walk -------------------------------------------------------------------

SPRING_GAP = {  # the local date and hour that is skipped, per zone (2025)
    NEW_YORK: (date(2025, 3, 9), 2),
    LONDON: (date(2025, 3, 30), 1),
    SYDNEY: (date(2025, 10, 5), 2),
}
FALL_FOLD = {  # the local date and hour that happens twice, per zone (2025)
    NEW_YORK: (date(2025, 11, 2), 1),
    LONDON: (date(2025, 10, 26), 1),
    SYDNEY: (date(2025, 4, 6), 2),
}
WALK_TIMES = [time(0, 0), time(1, 30), time(2, 30), time(9, 0), time(23, 59)]


def _walk(at: time, days: frozenset[str], tz: str) -> list[datetime]:
    zone = ZoneInfo(tz)
    after, end = datetime(2024, 12, 31, 23, 59, tzinfo=zone), datetime(2026, 1, 1, tzinfo=zone)
    due: list[datetime] = []
    while (after := next_due(at, days, tz, after)) < end:
        due.append(after)
    return due


@pytest.mark.parametrize("tz", [NEW_YORK, LONDON, SYDNEY])
@pytest.mark.parametrize("at", WALK_TIMES, ids=format_local_time)
def test_a_year_of_daily_check_ins_has_exactly_one_per_local_date(tz: str, at: time) -> None:
    zone = ZoneInfo(tz)
    due = _walk(at, EVERY_DAY, tz)
    local_dates = [d.astimezone(zone).date() for d in due]

    every_date = [date(2025, 1, 1) + timedelta(days=n) for n in range(365)]
    assert local_dates == every_date
    assert all(d.tzinfo is UTC for d in due)


@pytest.mark.parametrize("tz", [NEW_YORK, LONDON, SYDNEY])
@pytest.mark.parametrize("at", WALK_TIMES, ids=format_local_time)
def test_a_year_of_check_ins_keeps_the_local_time_except_in_the_gap(tz: str, at: time) -> None:
    zone = ZoneInfo(tz)
    gap_day, gap_hour = SPRING_GAP[tz]
    in_gap = at.hour == gap_hour
    expected_shifted = {gap_day: time(at.hour + 1, at.minute)} if in_gap else {}

    shifted = {
        d.astimezone(zone).date(): d.astimezone(zone).time()
        for d in _walk(at, EVERY_DAY, tz)
        if d.astimezone(zone).time() != at
    }

    assert shifted == expected_shifted


@pytest.mark.parametrize("tz", [NEW_YORK, LONDON, SYDNEY])
@pytest.mark.parametrize("at", WALK_TIMES, ids=format_local_time)
def test_a_year_of_check_ins_takes_the_first_of_a_repeated_time(tz: str, at: time) -> None:
    zone = ZoneInfo(tz)
    fold_day, fold_hour = FALL_FOLD[tz]

    on_fold_day = [d for d in _walk(at, EVERY_DAY, tz) if d.astimezone(zone).date() == fold_day]
    wall = datetime.combine(fold_day, at, zone)
    first, second = wall.astimezone(UTC), wall.replace(fold=1).astimezone(UTC)

    assert on_fold_day == [min(first, second)]
    assert (first != second) == (at.hour == fold_hour)


@pytest.mark.parametrize("tz", [NEW_YORK, LONDON, SYDNEY])
@pytest.mark.parametrize(("days", "weekdays"), [(WEEKDAYS, {0, 1, 2, 3, 4}), (WEEKENDS, {5, 6})])
def test_a_year_of_check_ins_falls_only_on_the_chosen_days(
    tz: str, days: frozenset[str], weekdays: set[int]
) -> None:
    zone = ZoneInfo(tz)
    local_dates = [d.astimezone(zone).date() for d in _walk(time(2, 30), days, tz)]

    expected = [
        day
        for n in range(365)
        if (day := date(2025, 1, 1) + timedelta(days=n)).weekday() in weekdays
    ]
    assert local_dates == expected


# --- next_due in ordinary use -----------------------------------------------------------


def test_next_due_is_strictly_after_the_previous_due_time() -> None:
    due = utc(2025, 6, 2, 8, 0)  # 09:00 in London, a Monday

    assert next_due(time(9, 0), EVERY_DAY, LONDON, after=due) == utc(2025, 6, 3, 8, 0)


def test_next_due_later_the_same_day_when_the_time_has_not_come_yet() -> None:
    morning = local(LONDON, 2025, 6, 2, 7, 0)

    assert next_due(time(9, 0), EVERY_DAY, LONDON, after=morning) == utc(2025, 6, 2, 8, 0)


def test_next_due_skips_to_the_next_chosen_day() -> None:
    tuesday_noon = local(NEW_YORK, 2025, 6, 3, 12, 0)
    mon_wed = parse_days("mon,wed")

    assert next_due(time(9, 0), mon_wed, NEW_YORK, after=tuesday_noon) == utc(2025, 6, 4, 13, 0)


def test_next_due_uses_the_patients_local_date_not_the_utc_date() -> None:
    # Monday 23:30 in UTC is already Tuesday 09:30 in Sydney.
    monday_late_utc = utc(2025, 6, 2, 23, 30)

    due = next_due(time(9, 0), parse_days("tue"), SYDNEY, after=monday_late_utc)

    assert due.astimezone(ZoneInfo(SYDNEY)) == local(SYDNEY, 2025, 6, 10, 9, 0)


def test_next_due_keeps_tonights_check_in_when_the_utc_date_is_already_tomorrow() -> None:
    # Monday 20:10 in New York is already Tuesday 00:10 in UTC.
    monday_evening = utc(2025, 6, 3, 0, 10)

    due = next_due(time(20, 30), EVERY_DAY, NEW_YORK, after=monday_evening)

    assert due.astimezone(ZoneInfo(NEW_YORK)) == local(NEW_YORK, 2025, 6, 2, 20, 30)


@pytest.mark.parametrize("days", [frozenset(), frozenset({"monday"})])
def test_next_due_refuses_an_empty_or_unknown_day_set(days: frozenset[str]) -> None:
    with pytest.raises(InvalidSchedule, match="non-empty set"):
        next_due(time(9, 0), days, LONDON, after=utc(2025, 6, 2))


def test_next_due_refuses_a_naive_datetime() -> None:
    with pytest.raises(InvalidSchedule, match="after must be an aware datetime"):
        next_due(time(9, 0), EVERY_DAY, LONDON, after=datetime(2025, 6, 2))


# --- previews ---------------------------------------------------------------------------


def test_a_preview_lists_the_occurrences_in_a_week() -> None:
    monday = local(NEW_YORK, 2025, 6, 2, 0, 0)

    due = occurrences(time(20, 30), WEEKDAYS, NEW_YORK, monday, monday + timedelta(days=7))

    assert due == [utc(2025, 6, d, 0, 30) for d in (3, 4, 5, 6, 7)]  # 20:30 EDT, next UTC day


def test_a_preview_includes_its_start_and_excludes_its_end() -> None:
    nine = utc(2025, 6, 2, 8, 0)  # 09:00 in London

    due = occurrences(time(9, 0), EVERY_DAY, LONDON, start=nine, end=nine + timedelta(days=2))

    assert due == [nine, nine + timedelta(days=1)]


def test_a_preview_stops_at_its_limit() -> None:
    due = occurrences(time(9, 0), EVERY_DAY, LONDON, utc(2025, 1, 1), utc(2026, 1, 1), limit=3)

    assert len(due) == 3


def test_an_empty_window_has_no_occurrences() -> None:
    assert occurrences(time(9, 0), EVERY_DAY, LONDON, utc(2025, 6, 2), utc(2025, 6, 2)) == []


# --- prompts before high-risk times -----------------------------------------------------

FRIDAY = parse_days("fri")
NINETY_MINUTES = timedelta(minutes=90)


def test_a_high_risk_prompt_comes_the_lead_time_before_the_next_high_risk_time() -> None:
    friday_morning = local(LONDON, 2025, 6, 6, 10, 0)

    prompt = next_prompt_before(time(18, 0), FRIDAY, LONDON, NINETY_MINUTES, friday_morning)

    assert prompt == local(LONDON, 2025, 6, 6, 16, 30)


@pytest.mark.parametrize(
    "after",
    [local(LONDON, 2025, 6, 6, 16, 30), local(LONDON, 2025, 6, 6, 17, 0)],
    ids=["at-the-prompt", "between-prompt-and-high-risk-time"],
)
def test_once_this_weeks_prompt_is_past_the_next_is_a_week_later(after: datetime) -> None:
    prompt = next_prompt_before(time(18, 0), FRIDAY, LONDON, NINETY_MINUTES, after)

    assert prompt == local(LONDON, 2025, 6, 13, 16, 30)


def test_the_lead_is_elapsed_time_even_across_a_dst_change() -> None:
    # 03:30 EDT on the spring-forward day; two real hours earlier is 00:30 EST.
    prompt = next_prompt_before(
        time(3, 30), EVERY_DAY, NEW_YORK, timedelta(hours=2), local(NEW_YORK, 2025, 3, 8, 12)
    )

    assert prompt == utc(2025, 3, 9, 5, 30)


def test_a_negative_lead_is_refused() -> None:
    with pytest.raises(InvalidSchedule, match="lead"):
        next_prompt_before(time(18, 0), FRIDAY, LONDON, -NINETY_MINUTES, utc(2025, 6, 6))


# --- idempotency keys -------------------------------------------------------------------


def test_an_occurrence_key_names_the_schedule_and_the_utc_due_time() -> None:
    assert occurrence_key("sch-1", utc(2025, 3, 9, 7, 30)) == "sch-1:20250309T073000Z"


def test_the_same_instant_gives_the_same_key_in_any_zone() -> None:
    instant = utc(2025, 3, 9, 7, 30)

    assert occurrence_key("sch-1", instant.astimezone(ZoneInfo(SYDNEY))) == occurrence_key(
        "sch-1", instant
    )


def test_different_schedules_or_due_times_give_different_keys() -> None:
    due = utc(2025, 3, 9, 7, 30)

    keys = {
        occurrence_key("sch-1", due),
        occurrence_key("sch-2", due),
        occurrence_key("sch-1", due + timedelta(days=1)),
    }

    assert len(keys) == 3


# --- after downtime: send late or record missed -----------------------------------------

DUE = utc(2025, 6, 2, 8, 0)
GRACE = timedelta(minutes=30)


@pytest.mark.parametrize(
    ("now", "grace", "expected"),
    [
        (DUE - timedelta(seconds=1), GRACE, DueAction.WAIT),
        (DUE, GRACE, DueAction.SEND),
        (DUE + timedelta(minutes=10), GRACE, DueAction.SEND),
        (DUE + GRACE, GRACE, DueAction.SEND),
        (DUE + GRACE + timedelta(seconds=1), GRACE, DueAction.RECORD_MISSED),
        (DUE + timedelta(days=2), GRACE, DueAction.RECORD_MISSED),
        (DUE, timedelta(0), DueAction.SEND),
        (DUE + timedelta(seconds=1), timedelta(0), DueAction.RECORD_MISSED),
    ],
)
def test_an_overdue_occurrence_is_sent_within_grace_and_recorded_missed_after(
    now: datetime, grace: timedelta, expected: DueAction
) -> None:
    assert decide_due_action(DUE, now, grace) is expected


def test_a_negative_grace_is_refused() -> None:
    with pytest.raises(InvalidSchedule, match="grace"):
        decide_due_action(DUE, DUE, -GRACE)
