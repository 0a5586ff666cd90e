"""What the patient is sent after a finished check-in, tailored to the answers: the plan's
after-a-slip steps, coping for the triggers met, their reasons when confidence is low,
and an offer to cope now when craving is high.
"""

from __future__ import annotations

from bot.domain.model import Patient
from bot.domain.risk import Signals
from bot.plans.model import Plan
from bot.plans.render import coping_for_trigger, render_coping
from bot.services import texts
from bot.services.outgoing import Outgoing

COPE_START = "cope:start"


def follow_up(
    patient: Patient,
    plan: Plan,
    signals: Signals,
    low_confidence: int | None,
    high_craving: int | None,
    escalated: bool,
    out: Outgoing,
) -> None:
    """Tailored to the answers: after-a-slip, coping for triggers met, reasons."""
    answers = signals.checkin
    assert answers is not None
    if answers.used:
        steps = []
        if plan.after_a_slip is not None:
            if plan.after_a_slip.message:
                steps.append(plan.after_a_slip.message)
            steps.extend(f"{i}. {s}" for i, s in enumerate(plan.after_a_slip.steps, 1))
        body = "\n".join(steps) if steps else texts.AFTER_SLIP_DEFAULT
        told = escalated and plan.escalation.tell_patient is not False
        tell = "\n\n" + texts.CARE_TEAM_TOLD if told else ""
        out.to_patient(
            patient.id,
            f"{texts.AFTER_SLIP_INTRO}\n\n{body}{tell}",
            purpose="after-slip",
            key="slip",
        )
    met = [t for t in plan.triggers if t.id in answers.triggers]
    strategies = []
    for trigger in met:
        for strategy in coping_for_trigger(plan, trigger.id):
            if strategy not in strategies:
                strategies.append(strategy)
    if strategies:
        names = ", ".join(t.label for t in met)
        out.to_patient(
            patient.id,
            texts.CHECKIN_COPING_INTRO.format(triggers=names),
            purpose="coping",
            key="coping-intro",
        )
        for i, strategy in enumerate(strategies[:3]):
            for j, part in enumerate(render_coping(strategy)):
                out.to_patient(patient.id, part, purpose="coping", key=f"coping:{i}:{j}")
    if (
        answers.confidence is not None
        and low_confidence is not None
        and answers.confidence <= low_confidence
        and plan.reasons
    ):
        reasons = "\n".join(f"• {r}" for r in plan.reasons)
        out.to_patient(
            patient.id,
            f"{texts.CHECKIN_REASONS_INTRO}\n{reasons}",
            purpose="reasons",
            key="reasons",
        )
    if answers.craving is not None and high_craving is not None and answers.craving >= high_craving:
        out.to_patient(
            patient.id,
            texts.CHECKIN_HIGH_CRAVING,
            purpose="coping",
            buttons=[[(texts.COPE_NOW, COPE_START)]],
            key="cope-offer",
        )
