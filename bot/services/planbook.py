"""The patient's current plan, parsed, and what follows from it (thresholds, crisis lines)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.domain.model import Patient
from bot.domain.thresholds import DEFAULT_THRESHOLDS, Thresholds, override_thresholds
from bot.plans.checkin import default_checkin
from bot.plans.crisis import UnknownRegion, check_region, default_crisis, effective_crisis
from bot.plans.errors import PlanInvalid
from bot.plans.escalation import threshold_overrides
from bot.plans.model import CheckinQuestion, CrisisInfo, Plan
from bot.plans.parser import parse_plan
from bot.services.ports import UnitOfWork

log = logging.getLogger(__name__)

EMPTY_PLAN = Plan(reasons=())


@dataclass(frozen=True)
class CurrentPlan:
    version: int | None  # None: no plan written yet
    plan: Plan

    @property
    def questions(self) -> tuple[CheckinQuestion, ...]:
        if self.plan.checkin:
            return self.plan.checkin
        return default_checkin(has_triggers=bool(self.plan.triggers))


class PlanBook:
    def __init__(self, crisis_region: str) -> None:
        self.default_region = check_region(crisis_region)  # the clinic's default

    def region_of(self, patient: Patient | None) -> str:
        """The patient's crisis region; the clinic's default where none was set."""
        return self.checked(None if patient is None else patient.crisis_region)

    def checked(self, region: str | None) -> str:
        """A stored region code, or the clinic's default for None (or a code not known)."""
        if region is None:
            return self.default_region
        try:
            return check_region(region)
        except UnknownRegion:  # a code the table no longer has: never leave them without
            log.error("planbook.unknown_region")
            return self.default_region

    def region_crisis(self, patient: Patient | None) -> CrisisInfo:
        """The crisis lines and emergency number of the patient's region."""
        return default_crisis(self.region_of(patient))

    async def current(self, uow: UnitOfWork, patient_id: str) -> CurrentPlan:
        stored = await uow.plans.latest(patient_id)
        if stored is None:
            return CurrentPlan(None, EMPTY_PLAN)
        try:
            return CurrentPlan(stored.version, parse_plan(stored.text))
        except PlanInvalid:  # stored plans are validated; this means a format change
            log.error("plan.unparseable version=%s", stored.version)
            return CurrentPlan(stored.version, EMPTY_PLAN)

    async def version(self, uow: UnitOfWork, patient_id: str, version: int) -> Plan | None:
        stored = await uow.plans.get(patient_id, version)
        return None if stored is None else parse_plan(stored.text)

    def thresholds(self, plan: Plan) -> Thresholds:
        return override_thresholds(DEFAULT_THRESHOLDS, threshold_overrides(plan))

    def crisis(self, plan: Plan, patient: Patient | None) -> CrisisInfo:
        """What the patient sees: the plan's crisis section, their region's where it has none."""
        return effective_crisis(plan.crisis, self.region_crisis(patient))
