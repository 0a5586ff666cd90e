"""A care team's alert policy: deadlines per level and staffed hours, set by an admin."""

from __future__ import annotations

from datetime import time

import pytest

from bot.domain.errors import InvalidInput, NotAllowed
from tests.services.conftest import World


async def test_an_admin_changes_deadlines_and_staffed_hours(world: World) -> None:
    policy = await world.services.staff.set_alert_policy(
        world.admin,
        "Harbor Team",
        "UTC",
        crisis_minutes=3,
        urgent_minutes=20,
        business_days="mon,tue,wed,thu",
        business_hours="08:00-16:30",
        timezone="europe/london",
    )
    assert (policy.crisis_minutes, policy.urgent_minutes) == (3, 20)
    assert policy.business_days == ("mon", "tue", "wed", "thu")
    assert (policy.business_start, policy.business_end) == (time(8), time(16, 30))
    assert policy.timezone == "Europe/London"
    again = await world.services.staff.alert_policy("Harbor Team", "UTC")
    assert again == policy


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("crisis_minutes", 0, "--crisis-minutes must be 1 to 60"),
        ("business_hours", "17:00-09:00", "must start before it ends"),
        ("business_hours", "nine to five", "looks like 09:00-17:00"),
        ("timezone", "Mars/Base", "not an IANA time zone"),
    ],
)
async def test_bad_policy_values_are_refused_clearly(
    world: World, option: str, value: object, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        await world.services.staff.set_alert_policy(
            world.admin, "Harbor Team", "UTC", **{option: value}
        )


async def test_only_admins_change_the_policy(world: World) -> None:
    with pytest.raises(NotAllowed):
        await world.services.staff.set_alert_policy(
            world.clinician, "Harbor Team", "UTC", crisis_minutes=3
        )
