"""Crisis lines and emergency numbers per region (an ISO 3166 country code such as ``DE``),
used where a plan names none; a patient's region defaults from their time zone."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.errors import InvalidInput
from bot.plans.crisis_lines import REGION_TABLE
from bot.plans.model import CrisisInfo
from bot.plans.zone_countries import ZONE_COUNTRY


class UnknownRegion(InvalidInput):
    """The region code has no crisis numbers here."""


_ALIASES = {"UK": "GB"}  # the code the UK itself uses; ISO 3166 says GB

REGIONS: tuple[str, ...] = tuple(sorted(REGION_TABLE))


def check_region(region: str) -> str:
    """The canonical code (``uk`` → ``GB``), or UnknownRegion naming every valid one."""
    code = region.strip().upper()
    code = _ALIASES.get(code, code)
    if code not in REGION_TABLE:
        raise UnknownRegion(
            f"no crisis numbers for region {region!r}; use an ISO 3166 country code, one "
            f"of: {', '.join(REGIONS)} (UK is accepted for GB)"
        )
    return code


def default_crisis(region: str) -> CrisisInfo:
    """The crisis lines and emergency number for a region code such as ``US`` or ``DE``."""
    return REGION_TABLE[check_region(region)].crisis


def region_name(region: str) -> str:
    return REGION_TABLE[check_region(region)].name


def has_crisis_lines(region: str) -> bool:
    """False where only the emergency number is known (the plan should add local lines)."""
    return bool(default_crisis(region).lines)


def zone_country(zone: str) -> str | None:
    """The country of an IANA time zone (Europe/Berlin → DE); None for UTC and the like."""
    return ZONE_COUNTRY.get(zone)


def region_for_zone(zone: str) -> str | None:
    """The region with crisis numbers for a time zone, None if its country has none here."""
    country = zone_country(zone)
    return country if country in REGION_TABLE else None


def effective_crisis(plan_crisis: CrisisInfo, default: CrisisInfo) -> CrisisInfo:
    """What the patient sees: the plan's own lines and number, the region's where it has none."""
    return CrisisInfo(
        lines=plan_crisis.lines or default.lines,
        emergency=plan_crisis.emergency or default.emergency,
    )


@dataclass(frozen=True)
class RegionChoice:
    """A patient's crisis region as chosen at enrolment or update, and why.

    ``region`` is None where the clinic's default applies (no --region, and the time zone
    names no country with crisis numbers here); ``zone_country`` is the time zone's
    country, if it has one.
    """

    region: str | None
    zone_country: str | None
    asked: bool  # an explicit --region

    @property
    def disagrees(self) -> bool:
        """An explicit region that is not the time zone's country."""
        return self.asked and self.zone_country is not None and self.zone_country != self.region

    @property
    def fell_back(self) -> bool:
        """No region could be taken from the time zone: the clinic default applies."""
        return self.region is None


def choose_region(zone: str, asked: str | None) -> RegionChoice:
    """``asked`` (checked) if given, else the time zone's country if it has crisis numbers
    here, else None (the clinic's default)."""
    country = zone_country(zone)
    if asked is not None:
        return RegionChoice(check_region(asked), country, asked=True)
    return RegionChoice(region_for_zone(zone), country, asked=False)
