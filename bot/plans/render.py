"""The plan as Telegram messages, in plain text (send without parse_mode: nothing to escape).

Every message starts with a fixed, neutral heading, so a notification preview never shows a
substance, diagnosis or clinic; the clinician's words follow below it. Each message is at
most 4096 characters (as Telegram counts them) and long sections are split between items,
then lines, never inside a word.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.plans.chunks import pack_messages
from bot.plans.crisis import effective_crisis
from bot.plans.errors import UnknownSection, UnknownTrigger
from bot.plans.model import (
    DAYS,
    CopingStrategy,
    CrisisInfo,
    Day,
    HighRiskTime,
    Plan,
    WarningStage,
)

# key -> (menu button title, message heading). Order is the menu's order.
SECTION_TITLES: dict[str, tuple[str, str]] = {
    "reasons": ("Your reasons", "What matters to you"),
    "triggers": ("Triggers", "Your triggers and what helps"),
    "warning_signs": ("Warning signs", "Early warning signs"),
    "coping": ("Ways to cope", "Ways to cope"),
    "supports": ("People to call", "People you can call"),
    "professionals": ("Your care team", "Your care team"),
    "after_a_slip": ("If you slip", "If things go off track"),
    "high_risk_times": ("Times to take care", "Times to take extra care"),
    "safe_environment": ("Staying safe", "Keeping your surroundings safe"),
    "crisis": ("Help right now", "Help right now"),
}
WARNING_INTRO = "Noticing these early gives you time to use your plan."
EMPTY = "Nothing here yet. You can add to this part of your plan with your care team."
BULLET = "• "
STAGE_ORDER = (WarningStage.EMOTIONAL, WarningStage.MENTAL, WarningStage.PHYSICAL, None)
DAY_NAMES: dict[Day, str] = {
    "mon": "Mondays",
    "tue": "Tuesdays",
    "wed": "Wednesdays",
    "thu": "Thursdays",
    "fri": "Fridays",
    "sat": "Saturdays",
    "sun": "Sundays",
}


def section_menu(plan: Plan) -> list[tuple[str, str]]:
    """(key, button title) of the sections that have content; crisis is always there."""
    return [
        (key, titles[0])
        for key, titles in SECTION_TITLES.items()
        if key == "crisis" or _has_content(plan, key)
    ]


def render_section(plan: Plan, section_name: str, *, crisis_default: CrisisInfo) -> list[str]:
    """One or more plain-text messages showing a section of the plan."""
    if section_name not in SECTION_TITLES:
        raise UnknownSection(section_name, list(SECTION_TITLES))
    heading = SECTION_TITLES[section_name][1]
    if section_name == "crisis":
        return pack_messages(heading, _crisis_blocks(effective_crisis(plan.crisis, crisis_default)))
    if not _has_content(plan, section_name):
        return pack_messages(heading, [EMPTY])
    return pack_messages(heading, _BLOCKS[section_name](plan))


def render_coping(strategy: CopingStrategy) -> list[str]:
    """A coping strategy on its own, e.g. when the patient picks it from a menu."""
    return pack_messages("Something to try", [_coping_block(strategy)])


def coping_for_trigger(plan: Plan, trigger_id: str) -> list[CopingStrategy]:
    """The strategies the plan names for a trigger, in the plan's order for that trigger."""
    trigger = plan.trigger_by_id(trigger_id)
    if trigger is None:
        raise UnknownTrigger(f"the plan has no trigger {trigger_id!r}")
    found = (plan.coping_by_id(coping_id) for coping_id in trigger.coping)
    return [strategy for strategy in found if strategy is not None]


def render_trigger_help(plan: Plan, trigger_id: str) -> list[str]:
    """What the plan says to do when this trigger comes up."""
    trigger = plan.trigger_by_id(trigger_id)
    if trigger is None:
        raise UnknownTrigger(f"the plan has no trigger {trigger_id!r}")
    strategies = coping_for_trigger(plan, trigger_id)
    blocks = [f"Your plan says, for: {trigger.label}"]
    blocks += [_coping_block(s) for s in strategies] or [
        "There is nothing written for this yet. Calling someone you trust is always an option."
    ]
    return pack_messages("When this comes up", blocks)


# --- blocks per section ----------------------------------------------------------------------


def _has_content(plan: Plan, key: str) -> bool:
    if key == "crisis":
        return True
    value = getattr(plan, key)
    return bool(value)


def _reasons(plan: Plan) -> list[str]:
    return ["\n".join(BULLET + reason for reason in plan.reasons)]


def _triggers(plan: Plan) -> list[str]:
    blocks = []
    for trigger in plan.triggers:
        helps = [s.title for s in coping_for_trigger(plan, trigger.id)]
        block = BULLET + trigger.label
        if helps:
            block += "\n   What helps: " + ", ".join(helps)
        blocks.append(block)
    return blocks


def _warning_signs(plan: Plan) -> list[str]:
    ordered = sorted(plan.warning_signs, key=lambda s: STAGE_ORDER.index(s.stage))
    return [WARNING_INTRO, "\n".join(BULLET + sign.text for sign in ordered)]


def _coping(plan: Plan) -> list[str]:
    return [_coping_block(strategy) for strategy in plan.coping]


def _coping_block(strategy: CopingStrategy) -> str:
    return f"{strategy.title}\n{_numbered(strategy.steps)}".strip()


def _supports(plan: Plan) -> list[str]:
    blocks = []
    for person in plan.supports:
        who = f"{person.name} ({person.relationship})" if person.relationship else person.name
        blocks.append(f"{BULLET}{who}\n   {person.contact}")
    return blocks


def _professionals(plan: Plan) -> list[str]:
    return [f"{BULLET}{p.name}, {p.role}\n   {p.contact}" for p in plan.professionals]


def _after_a_slip(plan: Plan) -> list[str]:
    slip = plan.after_a_slip
    if slip is None:
        return []
    blocks = [slip.message] if slip.message else []
    return [*blocks, _numbered(slip.steps)]


def _high_risk_times(plan: Plan) -> list[str]:
    return [BULLET + _describe_time(t) for t in plan.high_risk_times]


def _describe_time(time: HighRiskTime) -> str:
    when = f"{_describe_days(time.days)} at {time.time}"
    if time.timezone:
        when += f" ({time.timezone} time)"
    return f"{time.label}\n   {when}"


def _describe_days(days: tuple[Day, ...]) -> str:
    if set(days) == set(DAYS):
        return "Every day"
    if set(days) == set(DAYS[:5]):
        return "Weekdays"
    if set(days) == {"sat", "sun"}:
        return "Weekends"
    names = [DAY_NAMES[d] for d in days]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _safe_environment(plan: Plan) -> list[str]:
    return [_numbered(plan.safe_environment)]


def _numbered(steps: tuple[str, ...]) -> str:
    return "\n".join(f"{number}. {step}" for number, step in enumerate(steps, start=1))


def _crisis_blocks(crisis: CrisisInfo) -> list[str]:
    blocks = []
    if crisis.emergency:
        blocks.append(
            f"If you are in danger or might act on thoughts of harming yourself, "
            f"call {crisis.emergency} now."
        )
    if crisis.lines:
        blocks.append("You can also reach someone at any time:")
    for line in crisis.lines:
        block = f"{BULLET}{line.name}: {line.contact}"
        if line.text:
            block += f"\n   {line.text}"
        blocks.append(block)
    blocks.append("You matter, and you do not have to face this alone.")
    return blocks


_BLOCKS: dict[str, Callable[[Plan], list[str]]] = {
    "reasons": _reasons,
    "triggers": _triggers,
    "warning_signs": _warning_signs,
    "coping": _coping,
    "supports": _supports,
    "professionals": _professionals,
    "after_a_slip": _after_a_slip,
    "high_risk_times": _high_risk_times,
    "safe_environment": _safe_environment,
}
