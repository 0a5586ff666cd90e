"""Coping in the moment: guided urge surfing, and "did this strategy help?".

Urge surfing: the craving is rated before, timed prompts follow over a few minutes (the
next prompt time lives on the session row, and a scheduler tick sends it, so a restart
loses nothing), then the craving is rated again. Ratings and "helped" answers are kept
per strategy so clinicians can see what works for this patient.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.domain.ids import new_id
from bot.domain.model import CopingSession, Patient, PatientStatus
from bot.services import texts
from bot.services.outgoing import Button, Outgoing, commit
from bot.services.planbook import PlanBook
from bot.services.ports import Clock, Signer, UnitOfWork, UnitOfWorkFactory

START = "cope:start"
RATE = "cr"  # cr:<session>:<b|a>:<tag>
HELPED = "ch"  # ch:<session>:<tag>
TRIED = "tr"  # tr:<tag of coping id>
HELPED_VALUES = ("yes", "some", "no")
STEP_GAP = timedelta(seconds=60)


class CopingService:
    def __init__(
        self,
        uows: UnitOfWorkFactory,
        clock: Clock,
        planbook: PlanBook,
        signer: Signer,
        *,
        step_gap: timedelta = STEP_GAP,
    ) -> None:
        self._uows = uows
        self._clock = clock
        self._plans = planbook
        self._signer = signer
        self.step_gap = step_gap

    def _tag(self, *parts: str) -> str:
        return self._signer.tag("|".join(parts))

    def _pad(self, session: CopingSession, phase: str) -> list[list[Button]]:
        pads = [
            (str(v), f"{RATE}:{session.id}:{phase}:{self._tag(session.id, phase, str(v))}")
            for v in range(11)
        ]
        return [pads[:6], pads[6:]]

    def tried_button(self, patient_id: str, coping_id: str) -> Button:
        return (texts.COPE_TRIED, f"{TRIED}:{self._tag(patient_id, 'tried', coping_id)}")

    async def _active_patient(self, uow: UnitOfWork, chat_id: int) -> Patient | None:
        patient = await uow.patients.by_chat(chat_id)
        if patient is None or patient.status not in (PatientStatus.ACTIVE, PatientStatus.PAUSED):
            return None
        return patient

    async def start(
        self, chat_id: int, update_id: int, callback_query_id: str | None = None
    ) -> None:
        """``/cope`` or the button after a high craving: rate the urge first."""
        now = self._clock.now()
        async with self._uows() as uow:
            out = Outgoing(f"upd:{update_id}", now)
            patient = await self._active_patient(uow, chat_id)
            if patient is not None:
                if callback_query_id:
                    out.answer_callback(
                        "patient", patient.id, callback_query_id, patient_id=patient.id
                    )
                session = CopingSession(
                    id=new_id(),
                    patient_id=patient.id,
                    kind="urge_surfing",
                    status="rating_before",
                    started_at=now,
                )
                await uow.coping.save(session)
                out.to_patient(
                    patient.id,
                    texts.COPE_RATE_BEFORE,
                    purpose="coping",
                    buttons=self._pad(session, "b"),
                )
            await commit(uow, out, update_id)

    async def press(self, chat_id: int, data: str, callback_query_id: str, update_id: int) -> None:
        now = self._clock.now()
        async with self._uows() as uow:
            out = Outgoing(f"upd:{update_id}", now)
            patient = await self._active_patient(uow, chat_id)
            if patient is None:
                await commit(uow, out, update_id)
                return
            out.answer_callback("patient", patient.id, callback_query_id, patient_id=patient.id)
            parts = data.split(":")
            if parts[0] == RATE and len(parts) == 4:
                await self._rate(uow, patient, parts[1], parts[2], parts[3], out)
            elif parts[0] == HELPED and len(parts) == 3:
                await self._helped(uow, patient, parts[1], parts[2], out)
            elif parts[0] == TRIED and len(parts) == 2:
                await self._tried(uow, patient, parts[1], out)
            await commit(uow, out, update_id)

    async def _own_session(
        self, uow: UnitOfWork, patient: Patient, session_id: str
    ) -> CopingSession | None:
        session = await uow.coping.get(session_id, lock=True) if len(session_id) == 32 else None
        return session if session is not None and session.patient_id == patient.id else None

    async def _rate(
        self,
        uow: UnitOfWork,
        patient: Patient,
        session_id: str,
        phase: str,
        tag: str,
        out: Outgoing,
    ) -> None:
        session = await self._own_session(uow, patient, session_id)
        expected = {"b": "rating_before", "a": "rating_after"}.get(phase)
        if session is None or session.status != expected:
            return
        value = next((v for v in range(11) if self._tag(session.id, phase, str(v)) == tag), None)
        if value is None:
            return
        if phase == "b":
            session = replace(
                session,
                before=value,
                status="running",
                step=1,
                next_prompt_at=out.now + self.step_gap,
            )
            out.to_patient(
                patient.id,
                texts.URGE_SURFING_STEPS[0],
                purpose="coping",
                key=f"surf:{session.id}:0",
            )
        else:
            before = session.before if session.before is not None else value
            session = replace(session, after=value, status="asking_helped")
            result = texts.COPE_RESULT_BETTER if value < before else texts.COPE_RESULT_SAME
            out.to_patient(
                patient.id,
                result.format(before=before, after=value),
                purpose="coping",
                key=f"surf:{session.id}:result",
            )
            self._ask_helped(patient, session, out)
        await uow.coping.save(session)

    def _ask_helped(self, patient: Patient, session: CopingSession, out: Outgoing) -> None:
        labels = {
            "yes": texts.COPE_HELPED_YES,
            "some": texts.COPE_HELPED_SOME,
            "no": texts.COPE_HELPED_NO,
        }
        row = [
            (labels[v], f"{HELPED}:{session.id}:{self._tag(session.id, 'helped', v)}")
            for v in HELPED_VALUES
        ]
        out.to_patient(
            patient.id,
            texts.COPE_HELPED_QUESTION,
            purpose="coping",
            buttons=[row],
            key=f"helped:{session.id}",
        )

    async def _helped(
        self, uow: UnitOfWork, patient: Patient, session_id: str, tag: str, out: Outgoing
    ) -> None:
        session = await self._own_session(uow, patient, session_id)
        if session is None or session.status != "asking_helped":
            return
        value = next((v for v in HELPED_VALUES if self._tag(session.id, "helped", v) == tag), None)
        if value is None:
            return
        await uow.coping.save(replace(session, helped=value, status="done", finished_at=out.now))
        out.to_patient(patient.id, texts.COPE_HELPED_THANKS, purpose="coping")

    async def _tried(self, uow: UnitOfWork, patient: Patient, tag: str, out: Outgoing) -> None:
        current = await self._plans.current(uow, patient.id)
        strategy = next(
            (c for c in current.plan.coping if self._tag(patient.id, "tried", c.id) == tag), None
        )
        if strategy is None:
            return
        session = CopingSession(
            id=new_id(),
            patient_id=patient.id,
            kind="strategy",
            status="asking_helped",
            started_at=out.now,
            strategy=strategy.id,
        )
        await uow.coping.save(session)
        self._ask_helped(patient, session, out)

    async def send_due_prompts(self) -> int:
        """Tick: the next urge-surfing prompt for every session whose time has come."""
        now = self._clock.now()
        async with self._uows() as uow:
            due = await uow.coping.due(now)
            out = Outgoing(f"coping-tick:{now.isoformat()}", now)
            for session in due:
                step = session.step
                if step < len(texts.URGE_SURFING_STEPS):
                    out.to_patient(
                        session.patient_id,
                        texts.URGE_SURFING_STEPS[step],
                        purpose="coping",
                        key=f"surf:{session.id}:{step}",
                    )
                    await uow.coping.save(
                        replace(session, step=step + 1, next_prompt_at=now + self.step_gap)
                    )
                else:
                    out.to_patient(
                        session.patient_id,
                        texts.COPE_RATE_AFTER,
                        purpose="coping",
                        buttons=self._pad(session, "a"),
                        key=f"surf:{session.id}:after",
                    )
                    await uow.coping.save(
                        replace(session, status="rating_after", next_prompt_at=None)
                    )
            await commit(uow, out, None)
            return len(due)
