"""Schedule maths: when a recurring local check-in is next due, in UTC, safely across DST.

Pure functions over aware datetimes (pass ``now``; nothing here reads a clock).

DST policy, for a schedule "at local time T on these weekdays" in an IANA zone:

* **Exactly one occurrence per matching local date.**
* A local time that does not exist that day (spring-forward gap) is **shifted forward by
  the length of the gap**: 02:30 in New York on the spring-forward day is due at 03:30 EDT.
* A local time that happens twice (fall-back fold) is due **once, at its first
  occurrence** (``fold=0``): 01:30 EDT in New York, not 01:30 EST.

Both follow from resolving ``datetime.combine(date, T, tzinfo=zone)`` (``fold=0``) with
``zoneinfo`` (PEP 495), date by date. APScheduler's ``CronTrigger`` is not used for this:
on the fall-back day it fires twice (documented, and pinned in the tests), and for
"time of day on some weekdays" it adds nothing to a weekday check. This module therefore
needs only the standard library and could move into ``bot.domain`` if services need it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.errors import InvalidInput

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EVERY_DAY = frozenset(DAYS)
WEEKDAYS = frozenset(DAYS[:5])
WEEKENDS = frozenset(DAYS[5:])

_DAY_ALIASES = {"*": EVERY_DAY, "weekdays": WEEKDAYS, "weekends": WEEKENDS}
_DAYS_FORMS = (
    "'*' (every day), 'weekdays', 'weekends', or day names separated by commas "
    f"from {', '.join(DAYS)} (e.g. 'mon,wed,fri')"
)
_TIME = re.compile(r"(\d{1,2}):(\d{2})")
_SEARCH_DAYS = 15  # any weekday recurs within 8 local dates; slack for odd zone histories


class InvalidSchedule(InvalidInput, ValueError):
    """A schedule's days, time or zone cannot be understood; the message lists valid forms."""


class DueAction(StrEnum):
    """What to do with an occurrence whose due time may have passed (e.g. after downtime)."""

    WAIT = "wait"  # not due yet
    SEND = "send"  # due, and no later than the grace period allows (possibly late)
    RECORD_MISSED = "record_missed"  # too late to be useful: record it missed, do not send


# --- parsing and formatting -------------------------------------------------------------


def parse_days(text: str) -> frozenset[str]:
    """``"mon,tue"``, ``"weekdays"``, ``"weekends"`` or ``"*"`` → a set of names from :data:`DAYS`.

    Case and spaces around names do not matter. Raises :class:`InvalidSchedule`.
    """
    cleaned = text.strip().lower()
    if cleaned in _DAY_ALIASES:
        return _DAY_ALIASES[cleaned]
    names = [part.strip() for part in cleaned.split(",")]
    unknown = [name for name in names if name not in EVERY_DAY]
    if not cleaned or unknown:
        shown = ", ".join(repr(n) for n in unknown) if cleaned else "nothing"
        raise InvalidSchedule(f"days: cannot read {shown}; use {_DAYS_FORMS}")
    return frozenset(names)


def format_days(days: Iterable[str]) -> str:
    """The stored form of a day set: ``"*"`` for every day, else names in week order."""
    chosen = _checked_days(days)
    return "*" if chosen == EVERY_DAY else ",".join(d for d in DAYS if d in chosen)


def parse_local_time(text: str) -> time:
    """``"09:00"``, ``"9:00"`` or ``"20:30"`` (24-hour clock) → a naive :class:`time`.

    Raises :class:`InvalidSchedule` for anything else, including seconds and ``"24:00"``.
    """
    match = _TIME.fullmatch(text.strip())
    hour, minute = (int(match.group(1)), int(match.group(2))) if match else (-1, -1)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise InvalidSchedule(
            f"time {text!r} is not a time of day; use HH:MM on a 24-hour clock, "
            "from 00:00 to 23:59 (e.g. 09:00 or 20:30)"
        )
    return time(hour, minute)


def format_local_time(local_time: time) -> str:
    """The stored form of a local time: ``"HH:MM"``."""
    return f"{local_time.hour:02d}:{local_time.minute:02d}"


@cache
def load_zone(name: str) -> ZoneInfo:
    """The IANA zone called ``name`` (kept once loaded); :class:`InvalidSchedule` if none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidSchedule(
            f"time zone {name!r} is unknown; use an IANA name such as Europe/London"
        ) from None


# --- occurrences ------------------------------------------------------------------------


def resolve_local(day: date, local_time: time, tz: str) -> datetime:
    """The UTC instant of ``local_time`` on local ``day`` under the DST policy above."""
    if local_time.tzinfo is not None:
        raise InvalidSchedule("local_time must be a wall-clock time without a zone")
    wall = datetime.combine(day, local_time.replace(fold=0), tzinfo=load_zone(tz))
    return wall.astimezone(UTC)


def next_due(local_time: time, days: frozenset[str], tz: str, after: datetime) -> datetime:
    """The first occurrence strictly after ``after`` (the previous due time, or now), in UTC.

    Pass the previous due time as ``after`` and the same local date never comes back:
    each matching local date resolves to exactly one instant, and instants grow with
    dates. An ``after`` between the two 01:30s of a fall-back night yields the next day.
    """
    chosen = _checked_days(days)
    after_utc = _utc(after, "after")
    first = after_utc.astimezone(load_zone(tz)).date() - timedelta(days=1)
    for offset in range(_SEARCH_DAYS):
        day = first + timedelta(days=offset)
        if DAYS[day.weekday()] in chosen:
            due = resolve_local(day, local_time, tz)
            if due > after_utc:
                return due
    raise InvalidSchedule(f"no occurrence found within {_SEARCH_DAYS} days in {tz}")


def occurrences(
    local_time: time,
    days: frozenset[str],
    tz: str,
    start: datetime,
    end: datetime,
    *,
    limit: int = 1000,
) -> list[datetime]:
    """Due times (UTC) in ``[start, end)``, at most ``limit`` of them; for previews."""
    start_utc, end_utc = _utc(start, "start"), _utc(end, "end")
    found: list[datetime] = []
    due = next_due(local_time, days, tz, start_utc - timedelta(microseconds=1))
    while due < end_utc and len(found) < limit:
        found.append(due)
        due = next_due(local_time, days, tz, due)
    return found


def next_prompt_before(
    local_time: time, days: frozenset[str], tz: str, lead: timedelta, after: datetime
) -> datetime:
    """When to prompt ``lead`` before the next high-risk time, strictly after ``after`` (UTC).

    The high-risk time itself is the returned instant plus ``lead`` (elapsed time, so a
    90-minute lead stays 90 real minutes across a DST change).
    """
    if lead < timedelta(0):
        raise InvalidSchedule(f"lead must not be negative (got {lead})")
    return next_due(local_time, days, tz, _utc(after, "after") + lead) - lead


def occurrence_key(schedule_id: str, due_utc: datetime) -> str:
    """The idempotency key of one occurrence: schedule id and due instant in UTC."""
    return f"{schedule_id}:{_utc(due_utc, 'due_utc'):%Y%m%dT%H%M%SZ}"


def decide_due_action(due: datetime, now: datetime, grace: timedelta) -> DueAction:
    """Send if ``0 <= now - due <= grace``; record missed if later; wait if not yet due."""
    if grace < timedelta(0):
        raise InvalidSchedule(f"grace must not be negative (got {grace})")
    late_by = _utc(now, "now") - _utc(due, "due")
    if late_by < timedelta(0):
        return DueAction.WAIT
    return DueAction.SEND if late_by <= grace else DueAction.RECORD_MISSED


# --- checks -----------------------------------------------------------------------------


def _checked_days(days: Iterable[str]) -> frozenset[str]:
    chosen = frozenset(days)
    unknown = sorted(chosen - EVERY_DAY)
    if not chosen or unknown:
        raise InvalidSchedule(f"days must be a non-empty set drawn from {', '.join(DAYS)}")
    return chosen


def _utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidSchedule(f"{name} must be an aware datetime (got a naive one)")
    return moment.astimezone(UTC)


# --- the stored text forms ("HH:MM", "mon,tue" or "*") --------------------------------


def normalise(local_time: str, days: str) -> tuple[str, str]:
    """Canonical stored forms; raises :class:`InvalidSchedule` naming what is valid."""
    return format_local_time(parse_local_time(local_time)), format_days(parse_days(days))


def next_due_text(local_time: str, days: str, tz: str, after: datetime) -> datetime:
    return next_due(parse_local_time(local_time), parse_days(days), tz, after)


def occurrences_text(
    local_time: str, days: str, tz: str, start: datetime, end: datetime
) -> list[datetime]:
    return occurrences(parse_local_time(local_time), parse_days(days), tz, start, end)
