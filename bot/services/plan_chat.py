"""The plan in chat: a menu of sections, "I'm facing a trigger", and suggesting changes.

Buttons carry section names (not sensitive) or keyed tags of plan ids; a tag is matched
against the patient's own current plan, so a press from another chat or an old plan
version finds nothing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot.domain.ids import new_id
from bot.domain.model import Patient, PatientStatus, PlanSuggestion
from bot.plans.model import Plan, TriggerKind
from bot.plans.render import (
    SECTION_TITLES,
    coping_for_trigger,
    render_section,
    render_trigger_help,
    section_menu,
)
from bot.plans.suggestions import (
    AddCoping,
    AddSupport,
    AddTrigger,
    MarkNotHelping,
    Suggestion,
    check_suggestion,
    suggestion_kind,
    suggestion_to_dict,
)
from bot.services import texts
from bot.services.coping import CopingService
from bot.services.outgoing import Button, Outgoing, commit
from bot.services.planbook import PlanBook
from bot.services.ports import Clock, Signer, UnitOfWork, UnitOfWorkFactory

MENU = "pm"
SECTION = "ps"  # ps:<section>
FACING = "pt"
TRIGGER = "pk"  # pk:<tag>
SUGGEST = "pg"  # pg / pg:<kind>
TRIGGER_KIND = "pq"  # pq:<kind>
NOT_HELPING = "pn"  # pn:<tag>
AWAIT_PREFIX = "suggest:"
AWAIT_FOR = timedelta(minutes=30)
KIND_LABELS = {TriggerKind(k): label for k, label in texts.PLAN_TRIGGER_KINDS.items()}
SEEN = (PatientStatus.ACTIVE, PatientStatus.PAUSED)


def split_person(text: str) -> tuple[str, str]:
    """'Sam, 555-0100' / 'Sam - 555 0100' / 'Sam 555-0100' → (name, contact)."""
    for separator in (",", " - ", " – ", ":"):
        if separator in text:
            name, _, contact = text.partition(separator)
            return name.strip(), contact.strip()
    words = text.split()
    for i, word in enumerate(words):
        if any(ch.isdigit() for ch in word) or "@" in word:
            return " ".join(words[:i]).strip(), " ".join(words[i:]).strip()
    return text.strip(), ""


class PlanChatService:
    prefix = AWAIT_PREFIX

    def __init__(
        self,
        uows: UnitOfWorkFactory,
        clock: Clock,
        planbook: PlanBook,
        coping: CopingService,
        signer: Signer,
    ) -> None:
        self._uows = uows
        self._clock = clock
        self._plans = planbook
        self._coping = coping
        self._signer = signer

    def _tag(self, patient: Patient, what: str, value: str) -> str:
        return self._signer.tag(f"{patient.id}|{what}|{value}")

    async def show_menu(self, chat_id: int, update_id: int) -> None:
        """``/plan``."""
        now = self._clock.now()
        async with self._uows() as uow:
            out = Outgoing(f"upd:{update_id}", now)
            patient = await uow.patients.by_chat(chat_id)
            if patient is not None and patient.status in SEEN:
                await self._menu(uow, patient, out)
            await commit(uow, out, update_id)

    async def _menu(self, uow: UnitOfWork, patient: Patient, out: Outgoing) -> None:
        current = await self._plans.current(uow, patient.id)
        if current.version is None:
            out.to_patient(
                patient.id,
                texts.PLAN_NONE,
                purpose="plan",
                buttons=[[(SECTION_TITLES["crisis"][0], f"{SECTION}:crisis")]],
            )
            return
        entries = section_menu(current.plan)
        rows: list[list[Button]] = [
            [(title, f"{SECTION}:{key}") for key, title in entries[i : i + 2]]
            for i in range(0, len(entries), 2)
        ]
        if current.plan.triggers:
            rows.insert(0, [(texts.PLAN_FACING_TRIGGER, FACING)])
        rows.append([(texts.PLAN_SUGGEST, SUGGEST)])
        out.to_patient(patient.id, texts.PLAN_MENU, purpose="plan", buttons=rows, key="menu")

    async def press(self, chat_id: int, data: str, callback_query_id: str, update_id: int) -> None:
        now = self._clock.now()
        async with self._uows() as uow:
            out = Outgoing(f"upd:{update_id}", now)
            patient = await uow.patients.by_chat(chat_id)
            if patient is None or patient.status not in SEEN:
                await commit(uow, out, update_id)
                return
            out.answer_callback("patient", patient.id, callback_query_id, patient_id=patient.id)
            head, _, rest = data.partition(":")
            current = await self._plans.current(uow, patient.id)
            plan = current.plan
            back = [[(texts.BACK, MENU)]]
            if head == MENU:
                await self._menu(uow, patient, out)
            elif head == SECTION and rest in SECTION_TITLES:
                parts = render_section(plan, rest, crisis_default=self._plans.crisis_default)
                for i, part in enumerate(parts):
                    last = i == len(parts) - 1
                    out.to_patient(
                        patient.id,
                        part,
                        purpose="plan",
                        key=f"sec:{i}",
                        buttons=back if last else None,
                    )
            elif head == FACING:
                rows = [
                    [(t.label, f"{TRIGGER}:{self._tag(patient, 'trigger', t.id)}")]
                    for t in plan.triggers
                ]
                out.to_patient(
                    patient.id, texts.PLAN_PICK_TRIGGER, purpose="plan", buttons=[*rows, *back]
                )
            elif head == TRIGGER:
                trigger = next(
                    (t for t in plan.triggers if self._tag(patient, "trigger", t.id) == rest), None
                )
                if trigger is not None:
                    await self._trigger_help(patient, plan, trigger.id, out)
            elif head == SUGGEST:
                await self._suggest(uow, patient, rest, out)
            elif head == TRIGGER_KIND and rest in {k.value for k in TriggerKind}:
                await self._await(uow, patient, f"{AWAIT_PREFIX}add_trigger:{rest}", now)
                out.to_patient(patient.id, texts.PLAN_SUGGESTION_ASK["add_trigger"], purpose="plan")
            elif head == NOT_HELPING:
                strategy = next(
                    (c for c in plan.coping if self._tag(patient, "coping", c.id) == rest), None
                )
                if strategy is not None:
                    await self._store_suggestion(uow, patient, MarkNotHelping(strategy.id), out)
            await commit(uow, out, update_id)

    async def _trigger_help(
        self, patient: Patient, plan: Plan, trigger_id: str, out: Outgoing
    ) -> None:
        parts = render_trigger_help(plan, trigger_id)
        strategies = coping_for_trigger(plan, trigger_id)
        for i, part in enumerate(parts):
            out.to_patient(patient.id, part, purpose="plan", key=f"help:{i}")
        for j, strategy in enumerate(strategies[:5]):
            out.to_patient(
                patient.id,
                f"➜ {strategy.title}",
                purpose="plan",
                key=f"try:{j}",
                buttons=[[self._coping.tried_button(patient.id, strategy.id)]],
            )

    async def _await(self, uow: UnitOfWork, patient: Patient, what: str, now: datetime) -> None:
        await uow.patients.update(
            replace(patient, awaiting=what, awaiting_until=now + AWAIT_FOR, updated_at=now)
        )

    async def _suggest(self, uow: UnitOfWork, patient: Patient, kind: str, out: Outgoing) -> None:
        if not kind:
            rows = [
                [(label, f"{SUGGEST}:{key}")] for key, label in texts.PLAN_SUGGESTION_LABELS.items()
            ]
            out.to_patient(patient.id, texts.PLAN_SUGGESTION_KINDS, purpose="plan", buttons=rows)
        elif kind == "add_trigger":
            rows = [[(label, f"{TRIGGER_KIND}:{k.value}")] for k, label in KIND_LABELS.items()]
            out.to_patient(patient.id, texts.PLAN_TRIGGER_KIND, purpose="plan", buttons=rows)
        elif kind in ("add_coping", "add_person"):
            await self._await(uow, patient, f"{AWAIT_PREFIX}{kind}", out.now)
            out.to_patient(patient.id, texts.PLAN_SUGGESTION_ASK[kind], purpose="plan")
        elif kind == "not_helping":
            current = await self._plans.current(uow, patient.id)
            rows = [
                [(c.title, f"{NOT_HELPING}:{self._tag(patient, 'coping', c.id)}")]
                for c in current.plan.coping
            ]
            out.to_patient(
                patient.id, texts.PLAN_WHICH_NOT_HELPING, purpose="plan", buttons=rows or None
            )

    async def consume(
        self, uow: UnitOfWork, patient: Patient, awaiting: str, text: str, out: Outgoing
    ) -> None:
        """The typed words of a suggestion (a TextConsumer for the conversation service)."""
        what = awaiting.removeprefix(AWAIT_PREFIX)
        words = " ".join(text.split())
        suggestion: Suggestion
        if what.startswith("add_trigger:"):
            suggestion = AddTrigger(words, TriggerKind(what.split(":", 1)[1]))
        elif what == "add_coping":
            suggestion = AddCoping(words)
        else:
            name, contact = split_person(words)
            suggestion = AddSupport(name, contact)
        problems = check_suggestion(suggestion)
        if problems:
            out.to_patient(
                patient.id,
                texts.PLAN_SUGGESTION_PROBLEM.format(problems="; ".join(problems)),
                purpose="plan",
            )
            return
        await self._store_suggestion(uow, patient, suggestion, out)

    async def _store_suggestion(
        self, uow: UnitOfWork, patient: Patient, suggestion: Suggestion, out: Outgoing
    ) -> None:
        await uow.plans.add_suggestion(
            PlanSuggestion(
                id=new_id(),
                patient_id=patient.id,
                kind=suggestion_kind(suggestion).value,
                body=suggestion_to_dict(suggestion),
                status="pending",
                created_at=out.now,
            )
        )
        await uow.audit.append(
            actor="patient",
            action="plan.suggest",
            at=out.now,
            patient_ref=patient.reference,
            detail=suggestion_kind(suggestion).value,
        )
        out.to_patient(patient.id, texts.PLAN_SUGGESTION_THANKS, purpose="plan")
