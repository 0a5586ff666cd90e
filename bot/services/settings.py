"""``/settings``: time zone, check-in times (inside the clinician's window), quiet hours,
and pausing check-ins for up to 14 days (the care team is told)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

from bot.domain.errors import InvalidInput
from bot.domain.model import Level, Patient, PatientStatus
from bot.domain.risk import Finding
from bot.domain.zones import check_zone
from bot.services import texts
from bot.services.escalations import EscalationService
from bot.services.outgoing import Button, Outgoing, commit
from bot.services.ports import Clock, UnitOfWork, UnitOfWorkFactory
from bot.services.schedules import ScheduleService

PREFIX = "set:"
AWAIT_PREFIX = "settings:"
AWAIT_FOR = timedelta(minutes=30)
PAUSE_DAYS = (1, 3, 7, 14)
ZONES_BY_LANGUAGE = {
    "en": (
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Los_Angeles",
        "Europe/London",
        "Australia/Sydney",
    ),
    "es": (
        "Europe/Madrid",
        "America/Mexico_City",
        "America/Bogota",
        "America/Argentina/Buenos_Aires",
        "America/New_York",
        "America/Los_Angeles",
    ),
}
TIME = re.compile(r"\b(\d{1,2}:\d{2})\b")


class SettingsService:
    prefix = AWAIT_PREFIX

    def __init__(
        self,
        uows: UnitOfWorkFactory,
        clock: Clock,
        schedules: ScheduleService,
        escalations: EscalationService,
    ) -> None:
        self._uows = uows
        self._clock = clock
        self._schedules = schedules
        self._escalations = escalations

    async def _patient(self, uow: UnitOfWork, chat_id: int) -> Patient | None:
        patient = await uow.patients.by_chat(chat_id)
        if patient is None or patient.status not in (PatientStatus.ACTIVE, PatientStatus.PAUSED):
            return None
        return patient

    def _menu(self, patient: Patient, out: Outgoing) -> None:
        rows: list[list[Button]] = [
            [(texts.SETTINGS_ZONE_BUTTON.format(zone=patient.timezone), f"{PREFIX}tz")],
            [
                (texts.SETTINGS_TIMES_BUTTON, f"{PREFIX}times"),
                (texts.SETTINGS_QUIET_BUTTON, f"{PREFIX}quiet"),
            ],
            [(texts.SETTINGS_RESUME_BUTTON, f"{PREFIX}resume")]
            if patient.status is PatientStatus.PAUSED
            else [(texts.SETTINGS_PAUSE_BUTTON, f"{PREFIX}pause")],
        ]
        out.to_patient(patient.id, texts.SETTINGS_MENU, purpose="settings", buttons=rows)

    async def menu(self, chat_id: int, update_id: int) -> None:
        now = self._clock.now()
        async with self._uows() as uow:
            out = Outgoing(f"upd:{update_id}", now)
            patient = await self._patient(uow, chat_id)
            if patient is not None:
                self._menu(patient, out)
            await commit(uow, out, update_id)

    async def _await(
        self, uow: UnitOfWork, patient: Patient, what: str, out: Outgoing, prompt: str
    ) -> None:
        await uow.patients.update(
            replace(
                patient,
                awaiting=AWAIT_PREFIX + what,
                awaiting_until=out.now + AWAIT_FOR,
                updated_at=out.now,
            )
        )
        out.to_patient(patient.id, prompt, purpose="settings")

    async def press(self, chat_id: int, data: str, callback_query_id: str, update_id: int) -> None:
        now = self._clock.now()
        async with self._uows() as uow:
            out = Outgoing(f"upd:{update_id}", now)
            patient = await self._patient(uow, chat_id)
            if patient is None:
                await commit(uow, out, update_id)
                return
            out.answer_callback("patient", patient.id, callback_query_id, patient_id=patient.id)
            action = data.removeprefix(PREFIX)
            if action == "tz":
                zones = ZONES_BY_LANGUAGE.get(patient.language, ZONES_BY_LANGUAGE["en"])
                rows = [[(zone, f"{PREFIX}tz:{zone}")] for zone in zones]
                await self._await(
                    uow,
                    patient,
                    "tz",
                    out,
                    texts.SETTINGS_ASK_ZONE,
                )
                out.to_patient(
                    patient.id, texts.SETTINGS_COMMON_ZONES, purpose="settings", buttons=rows
                )
            elif action.startswith("tz:"):
                await self._set_zone(uow, patient, action.removeprefix("tz:"), out)
            elif action == "times":
                await self._await(
                    uow,
                    patient,
                    "times",
                    out,
                    texts.SETTINGS_ASK_TIMES.format(
                        start=patient.window_start, end=patient.window_end
                    ),
                )
            elif action == "quiet":
                await self._await(
                    uow,
                    patient,
                    "quiet",
                    out,
                    texts.SETTINGS_ASK_QUIET,
                )
            elif action == "pause":
                rows = [
                    [
                        (texts.SETTINGS_PAUSE_DAYS.format(days=d), f"{PREFIX}pause:{d}")
                        for d in PAUSE_DAYS
                    ]
                ]
                out.to_patient(
                    patient.id, texts.SETTINGS_ASK_PAUSE, purpose="settings", buttons=rows
                )
            elif action.startswith("pause:") and action[6:].isdigit():
                await self._pause(uow, patient, int(action[6:]), out)
            elif action == "resume" and patient.status is PatientStatus.PAUSED:
                await uow.patients.update(
                    replace(patient, status=PatientStatus.ACTIVE, paused_until=None, updated_at=now)
                )
                out.to_patient(patient.id, texts.SETTINGS_SAVED, purpose="settings")
            await commit(uow, out, update_id)

    async def _set_zone(self, uow: UnitOfWork, patient: Patient, name: str, out: Outgoing) -> None:
        try:
            zone = check_zone(name)
        except InvalidInput as exc:
            out.to_patient(
                patient.id, str(exc).replace("time zone", "Time zone", 1), purpose="settings"
            )
            return
        updated = replace(
            patient, timezone=zone, updated_at=out.now, awaiting=None, awaiting_until=None
        )
        await uow.patients.update(updated)
        await self._schedules.retime(uow, updated, out.now)
        await uow.audit.append(
            actor="patient", action="settings.timezone", at=out.now, patient_ref=patient.reference
        )
        out.to_patient(patient.id, texts.SETTINGS_ZONE_SAVED.format(zone=zone), purpose="settings")

    async def _pause(self, uow: UnitOfWork, patient: Patient, days: int, out: Outgoing) -> None:
        if days not in PAUSE_DAYS or patient.status is not PatientStatus.ACTIVE:
            return
        until = out.now + timedelta(days=days)
        paused = replace(
            patient, status=PatientStatus.PAUSED, paused_until=until, updated_at=out.now
        )
        await uow.patients.update(paused)
        await self._escalations.raise_findings(
            uow,
            paused,
            [
                Finding(
                    "patient_paused", Level.INFO, f"the patient paused check-ins for {days} days"
                )
            ],
            out,
            source="/settings",
        )
        await uow.audit.append(
            actor="patient",
            action="settings.pause",
            at=out.now,
            patient_ref=patient.reference,
            detail=f"days={days}",
        )
        out.to_patient(
            patient.id,
            texts.SETTINGS_PAUSED.format(until=until.strftime("%Y-%m-%d")),
            purpose="settings",
        )

    async def consume(
        self, uow: UnitOfWork, patient: Patient, awaiting: str, text: str, out: Outgoing
    ) -> None:
        """Typed answers to a settings question (a TextConsumer)."""
        what = awaiting.removeprefix(AWAIT_PREFIX)
        if what == "tz":
            await self._set_zone(uow, patient, text.strip(), out)
        elif what == "times":
            times = TIME.findall(text)
            try:
                await self._schedules.patient_times(uow, patient, times, out.now)
            except InvalidInput as exc:
                out.to_patient(
                    patient.id, texts.SETTINGS_NOT_SAVED.format(problem=exc), purpose="settings"
                )
                return
            await uow.audit.append(
                actor="patient", action="settings.times", at=out.now, patient_ref=patient.reference
            )
            out.to_patient(
                patient.id,
                texts.SETTINGS_TIMES_SAVED.format(times=", ".join(sorted(times))),
                purpose="settings",
            )
        elif what == "quiet":
            found = TIME.findall(text)
            if text.strip().lower() == "off":
                start, end = None, None
            elif len(found) == 2:
                start, end = (f"{int(t.split(':')[0]):02d}:{t.split(':')[1]}" for t in found)
            else:
                out.to_patient(
                    patient.id,
                    texts.SETTINGS_NOT_SAVED.format(problem=texts.SETTINGS_QUIET_INVALID),
                    purpose="settings",
                )
                return
            await uow.patients.update(
                replace(patient, quiet_start=start, quiet_end=end, updated_at=out.now)
            )
            out.to_patient(patient.id, texts.SETTINGS_SAVED, purpose="settings")
