"""Who on a care team is alerted, and how long they have to acknowledge.

Defaults: crisis 5 minutes, urgent 30 minutes, warn by the next business morning.
Crisis alerts go to every linked member at once, any hour; urgent and warn go to the
first member in the team's order, and each missed deadline re-notifies everyone notified
so far plus the next person, until someone acknowledges. Info-level notices are listed
in the CLI but never pushed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.errors import InvalidInput
from bot.domain.model import Level

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class AlertPolicy:
    crisis_minutes: int = 5
    urgent_minutes: int = 30
    business_days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    business_start: time = time(9, 0)
    business_end: time = time(17, 0)
    timezone: str = "UTC"
    crisis_to_everyone: bool = True

    def to_json(self) -> str:
        return json.dumps(
            {
                "crisis_minutes": self.crisis_minutes,
                "urgent_minutes": self.urgent_minutes,
                "business_days": list(self.business_days),
                "business_start": self.business_start.strftime("%H:%M"),
                "business_end": self.business_end.strftime("%H:%M"),
                "timezone": self.timezone,
                "crisis_to_everyone": self.crisis_to_everyone,
            }
        )

    @classmethod
    def from_json(cls, text: str | None, default_timezone: str) -> AlertPolicy:
        if not text:
            return cls(timezone=default_timezone)
        data = json.loads(text)
        try:
            return cls(
                crisis_minutes=int(data.get("crisis_minutes", 5)),
                urgent_minutes=int(data.get("urgent_minutes", 30)),
                business_days=tuple(data.get("business_days", cls.business_days)),
                business_start=time.fromisoformat(data.get("business_start", "09:00")),
                business_end=time.fromisoformat(data.get("business_end", "17:00")),
                timezone=str(data.get("timezone", default_timezone)),
                crisis_to_everyone=bool(data.get("crisis_to_everyone", True)),
            )
        except (TypeError, ValueError) as exc:
            raise InvalidInput(f"care team alert policy is not valid: {exc}") from None

    def in_business_hours(self, moment: datetime) -> bool:
        local = moment.astimezone(ZoneInfo(self.timezone))
        return (
            WEEKDAYS[local.weekday()] in self.business_days
            and self.business_start <= local.time() < self.business_end
        )

    def next_business_morning(self, after: datetime) -> datetime:
        """The next business-day start strictly after ``after`` (aware, UTC out)."""
        zone = ZoneInfo(self.timezone)
        local = after.astimezone(zone)
        for offset in range(0, 15):
            day = (local + timedelta(days=offset)).date()
            if WEEKDAYS[day.weekday()] not in self.business_days:
                continue
            start = datetime.combine(day, self.business_start, tzinfo=zone)
            if start > local:
                return start.astimezone(after.tzinfo)
        return after + timedelta(days=1)

    def deadline(self, level: Level, notified_at: datetime) -> datetime | None:
        """When an unacknowledged alert is escalated further; None for info."""
        if level is Level.CRISIS:
            return notified_at + timedelta(minutes=self.crisis_minutes)
        if level is Level.URGENT:
            return notified_at + timedelta(minutes=self.urgent_minutes)
        if level is Level.WARN:
            return self.next_business_morning(notified_at)
        return None


def recipients(members: Sequence[str], level: Level, step: int, policy: AlertPolicy) -> list[str]:
    """Who is alerted at ``step`` (0 = first notice): a growing prefix of the team order."""
    if level is Level.INFO or not members:
        return []
    if level is Level.CRISIS and policy.crisis_to_everyone:
        return list(members)
    return list(members[: min(len(members), step + 1)])
