"""IANA time zones: validation with helpful suggestions."""

from __future__ import annotations

import difflib
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.domain.errors import InvalidInput


@cache
def _zones() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


def suggest_zones(text: str, limit: int = 3) -> list[str]:
    """Close IANA names for a mistyped zone ("new york" → America/New_York)."""
    wanted = text.strip().replace(" ", "_").casefold()
    zones = _zones()
    by_city = [name for key, name in zones.items() if key.rsplit("/", 1)[-1] == wanted]
    close = difflib.get_close_matches(wanted, list(zones), n=limit, cutoff=0.6)
    tails = {key.rsplit("/", 1)[-1]: key for key in zones}
    close_tails = difflib.get_close_matches(wanted, list(tails), n=limit, cutoff=0.7)
    found: list[str] = []
    for name in by_city + [zones[k] for k in close] + [zones[tails[t]] for t in close_tails]:
        if name not in found:
            found.append(name)
    return found[:limit]


def check_zone(text: str) -> str:
    """Return the canonical IANA name, or raise InvalidInput with suggestions."""
    name = _zones().get(text.strip().casefold())
    if name is not None:
        try:
            ZoneInfo(name)
            return name
        except (ZoneInfoNotFoundError, ValueError):
            pass
    suggestions = suggest_zones(text)
    hint = f" Did you mean {', '.join(suggestions)}?" if suggestions else ""
    raise InvalidInput(
        f"time zone {text!r} is not an IANA time zone name (like Europe/London or "
        f"America/Chicago).{hint}"
    )
