"""Reader for high-risk times: days of the week, a local time and an optional IANA zone."""

from __future__ import annotations

import difflib
import re
import zoneinfo
from functools import cache

from yaml.nodes import Node, ScalarNode

from bot.plans import limits
from bot.plans.limits import COUNTS
from bot.plans.list_reading import Unique, read_list, value_of
from bot.plans.model import DAYS, Day, HighRiskTime
from bot.plans.nodes import Path, Reader, describe_node

TIME_PATTERN = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")


def read_high_risk_times(reader: Reader, node: Node, path: Path) -> tuple[HighRiskTime, ...]:
    labels = Unique(reader, "label")

    def one(item: Node, p: Path) -> HighRiskTime | None:
        keys = reader.mapping(
            item,
            p,
            allowed=("label", "days", "time", "timezone"),
            required=("label", "days", "time"),
            expected="a high-risk time",
        )
        if keys is None:
            return None
        label = value_of(keys, "label", lambda n: reader.text(n, (*p, "label"), limits.TIME_LABEL))
        ok = labels.check(keys["label"][1], (*p, "label"), label) if "label" in keys else False
        days = value_of(keys, "days", lambda n: _read_days(reader, n, (*p, "days")))
        time = value_of(keys, "time", lambda n: _read_time(reader, n, (*p, "time")))
        zone = value_of(keys, "timezone", lambda n: _read_zone(reader, n, (*p, "timezone")))
        if not ok or label is None or days is None or time is None:
            return None
        return HighRiskTime(label=label, days=days, time=time, timezone=zone)

    return read_list(reader, node, path, "high_risk_times", "a list of high-risk times", one)


def _read_days(reader: Reader, node: Node, path: Path) -> tuple[Day, ...] | None:
    valid = f"'*' (every day) or a list of days: {', '.join(DAYS)}"
    if isinstance(node, ScalarNode) and str(node.value) == "*":
        return DAYS
    items = reader.sequence(node, path, count=COUNTS["days"], expected=valid)
    if items is None:
        return None
    found: list[Day] = []
    for index, item in enumerate(items):
        value = str(item.value).lower() if isinstance(item, ScalarNode) else None
        if value == "*":
            return DAYS
        day = next((d for d in DAYS if d == value), None)
        if day is None:
            shown = repr(value) if value is not None else describe_node(item)
            reader.error(item, (*path, index), f"{shown} is not a day; use {valid}")
        elif day in found:
            reader.error(item, (*path, index), f"{day} is listed twice")
        else:
            found.append(day)
    return tuple(d for d in DAYS if d in found) if len(found) == len(items) else None


def _read_time(reader: Reader, node: Node, path: Path) -> str | None:
    value = str(node.value) if isinstance(node, ScalarNode) else ""
    match = TIME_PATTERN.fullmatch(value)
    if match is None:
        shown = repr(value) if isinstance(node, ScalarNode) else describe_node(node)
        reader.error(
            node, path, f'{shown} is not a time; write HH:MM in 24-hour local time, e.g. "18:30"'
        )
        return None
    return f"{int(match.group(1)):02d}:{match.group(2)}"


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _read_zone(reader: Reader, node: Node, path: Path) -> str | None:
    if not isinstance(node, ScalarNode) or not str(node.value).strip():
        reader.error(
            node,
            path,
            f"must be an IANA time zone name such as Europe/London, not {describe_node(node)}",
        )
        return None
    value = str(node.value).strip()
    if value not in _zones():
        close = difflib.get_close_matches(value, sorted(_zones()), n=1)
        guess = f" (did you mean {close[0]!r}?)" if close else ""
        reader.error(
            node,
            path,
            f"unknown time zone {value!r}{guess}; use an IANA name such "
            "as Europe/London or America/New_York, or leave it out for the patient's "
            "own zone",
        )
        return None
    return value
