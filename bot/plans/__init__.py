"""Relapse-prevention plans: YAML format, validation, templates, rendering, versions.

Pure: imports only the standard library, PyYAML and ``bot.domain``.
"""

from __future__ import annotations

from bot.plans.crisis import default_crisis, effective_crisis
from bot.plans.diff import describe_changes, diff_plans, format_diff
from bot.plans.errors import (
    PlanError,
    PlanInvalid,
    SuggestionNotApplicable,
    UnknownSection,
    UnknownTemplate,
    UnknownTrigger,
)
from bot.plans.escalation import DEFAULT_ESCALATION, effective_escalation, threshold_overrides
from bot.plans.model import Plan
from bot.plans.parser import parse_plan, validate_plan
from bot.plans.render import (
    coping_for_trigger,
    render_coping,
    render_section,
    render_trigger_help,
    section_menu,
)
from bot.plans.review import review_flags, review_reasons
from bot.plans.suggestions import apply_suggestion, check_suggestion
from bot.plans.templates import find_placeholders, template_names, template_text

__all__ = [
    "DEFAULT_ESCALATION",
    "Plan",
    "PlanError",
    "PlanInvalid",
    "SuggestionNotApplicable",
    "UnknownSection",
    "UnknownTemplate",
    "UnknownTrigger",
    "apply_suggestion",
    "check_suggestion",
    "coping_for_trigger",
    "default_crisis",
    "describe_changes",
    "diff_plans",
    "effective_crisis",
    "effective_escalation",
    "find_placeholders",
    "format_diff",
    "parse_plan",
    "render_coping",
    "render_section",
    "render_trigger_help",
    "review_flags",
    "review_reasons",
    "section_menu",
    "template_names",
    "template_text",
    "threshold_overrides",
    "validate_plan",
]
