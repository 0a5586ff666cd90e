"""Crisis lines and emergency numbers per deployment region, used when a plan names none."""

from __future__ import annotations

from bot.domain.errors import InvalidInput
from bot.plans.model import CrisisInfo, CrisisLine


class UnknownRegion(InvalidInput):
    """The deployment region has no crisis defaults here."""


_DEFAULTS: dict[str, CrisisInfo] = {
    "US": CrisisInfo(
        lines=(
            CrisisLine("988 Suicide & Crisis Lifeline", "Call or text 988", "Free, 24/7"),
            CrisisLine("Crisis Text Line", "Text HOME to 741741", "Free, 24/7"),
            CrisisLine(
                "SAMHSA National Helpline",
                "Call 1-800-662-4357",
                "Free, confidential treatment referral and information, 24/7",
            ),
        ),
        emergency="911",
    ),
    "UK": CrisisInfo(
        lines=(CrisisLine("Samaritans", "Call 116 123", "Free, 24/7"),),
        emergency="999",
    ),
    "AU": CrisisInfo(
        lines=(CrisisLine("Lifeline", "Call 13 11 14", "24/7"),),
        emergency="000",
    ),
    "CA": CrisisInfo(
        lines=(CrisisLine("9-8-8 Suicide Crisis Helpline", "Call or text 9-8-8", "24/7"),),
        emergency="911",
    ),
    "IE": CrisisInfo(
        lines=(CrisisLine("Samaritans", "Call 116 123", "Free, 24/7"),),
        emergency="112 or 999",
    ),
    "NZ": CrisisInfo(
        lines=(CrisisLine("1737, Need to talk?", "Call or text 1737", "Free, 24/7"),),
        emergency="111",
    ),
    "ES": CrisisInfo(
        lines=(CrisisLine("Línea 024", "Call 024", "Free, 24/7"),),
        emergency="112",
    ),
}
_ALIASES = {"GB": "UK"}

REGIONS: tuple[str, ...] = tuple(sorted(_DEFAULTS))


def default_crisis(region: str) -> CrisisInfo:
    """The crisis lines and emergency number for a region code such as ``US`` or ``UK``."""
    code = region.strip().upper()
    code = _ALIASES.get(code, code)
    try:
        return _DEFAULTS[code]
    except KeyError:
        raise UnknownRegion(
            f"no crisis defaults for region {region!r}; regions: {', '.join(REGIONS)}"
        ) from None


def effective_crisis(plan_crisis: CrisisInfo, default: CrisisInfo) -> CrisisInfo:
    """What the patient sees: the plan's own lines and number, the region's where it has none."""
    return CrisisInfo(
        lines=plan_crisis.lines or default.lines,
        emergency=plan_crisis.emergency or default.emergency,
    )
