"""The patient's current plan, parsed, and what follows from it (thresholds, crisis lines)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.domain.thresholds import DEFAULT_THRESHOLDS, Thresholds, override_thresholds
from bot.plans.checkin import default_checkin
from bot.plans.crisis import default_crisis, effective_crisis
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
        self.crisis_default = default_crisis(crisis_region)

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

    def crisis(self, plan: Plan) -> CrisisInfo:
        return effective_crisis(plan.crisis, self.crisis_default)
