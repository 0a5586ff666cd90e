"""/settings through Telegram: time zone, check-in times, quiet hours, pause."""

from __future__ import annotations

from bot.domain.model import Level, PatientStatus
from bot.services import texts
from tests.e2e.conftest import PLAN, Clinic


async def stored(clinic: Clinic, patient_id: str):  # type: ignore[no-untyped-def]
    async with clinic.services.store.uow() as uow:
        found = await uow.patients.get(patient_id)
        schedules = await uow.schedules.for_patient(patient_id)
    assert found is not None
    return found, schedules


async def test_a_patient_picks_a_time_zone_from_the_offered_list(clinic: Clinic) -> None:
    patient, user = await clinic.onboard()
    await clinic.say(user, "/settings")
    await clinic.press(user, texts.SETTINGS_ZONE_BUTTON.format(zone="America/New_York"))
    await clinic.press(user, "Europe/London")
    found, _ = await stored(clinic, patient.id)
    assert found.timezone == "Europe/London"
    assert (await clinic.last(user)).text == texts.SETTINGS_ZONE_SAVED.format(zone="Europe/London")


async def test_a_typed_time_zone_is_validated_with_suggestions(clinic: Clinic) -> None:
    patient, user = await clinic.onboard()
    await clinic.say(user, "/settings")
    await clinic.press(user, texts.SETTINGS_ZONE_BUTTON.format(zone="America/New_York"))
    await clinic.say(user, "sydney")
    assert "Did you mean Australia/Sydney" in (await clinic.last(user)).text
    await clinic.press(user, texts.SETTINGS_ZONE_BUTTON.format(zone="America/New_York"))
    await clinic.say(user, "australia/sydney")
    found, _ = await stored(clinic, patient.id)
    assert found.timezone == "Australia/Sydney"


async def test_check_in_times_must_be_inside_the_allowed_window(clinic: Clinic) -> None:
    patient, user = await clinic.onboard()
    await clinic.say(user, "/settings")
    await clinic.press(user, texts.SETTINGS_TIMES_BUTTON)
    await clinic.say(user, "06:00 21:00")
    assert "06:00 is outside 07:00–22:00" in (await clinic.last(user)).text
    await clinic.press(user, texts.SETTINGS_TIMES_BUTTON)
    await clinic.say(user, "8:15 and 21:00 please")
    _, schedules = await stored(clinic, patient.id)
    assert sorted(s.local_time for s in schedules) == ["08:15", "21:00"]


async def test_quiet_hours_are_saved(clinic: Clinic) -> None:
    patient, user = await clinic.onboard()
    await clinic.say(user, "/settings")
    await clinic.press(user, texts.SETTINGS_QUIET_BUTTON)
    await clinic.say(user, "22:00-07:30")
    found, _ = await stored(clinic, patient.id)
    assert (found.quiet_start, found.quiet_end) == ("22:00", "07:30")


async def test_pausing_tells_the_care_team_and_can_be_undone(clinic: Clinic) -> None:
    patient, user = await clinic.onboard()
    await clinic.say(user, "/settings")
    await clinic.press(user, texts.SETTINGS_PAUSE_BUTTON)
    await clinic.press(user, texts.SETTINGS_PAUSE_DAYS.format(days=7))
    found, _ = await stored(clinic, patient.id)
    assert found.status is PatientStatus.PAUSED
    async with clinic.services.store.uow() as uow:
        (notice,) = await uow.escalations.find(patient_ids=[patient.id])
    assert (notice.rule, notice.level) == ("patient_paused", Level.INFO)
    await clinic.say(user, "/checkin")
    assert (await clinic.last(user)).text == texts.CHECKIN_UNAVAILABLE
    await clinic.say(user, "/settings")
    await clinic.press(user, texts.SETTINGS_RESUME_BUTTON)
    found, _ = await stored(clinic, patient.id)
    assert found.status is PatientStatus.ACTIVE


async def test_declining_consent_ends_onboarding_politely(clinic: Clinic) -> None:
    patient, code = await clinic.enrol()
    user = await clinic.sandbox.client.create_user("Avery")
    await clinic.sandbox.client.start_bot(user.id, code)
    await clinic.settle()
    await clinic.press(user, texts.CONSENT_NO)
    assert (await clinic.last(user)).text == texts.CONSENT_DECLINED
    found, _ = await stored(clinic, patient.id)
    assert found.status is PatientStatus.UNENROLLED


async def test_a_plans_high_risk_times_add_a_check_in_an_hour_before(clinic: Clinic) -> None:
    plan = PLAN + "high_risk_times:\n  - {label: Payday, days: [fri], time: '18:00'}\n"
    patient, _ = await clinic.onboard(plan=plan)
    _, schedules = await stored(clinic, patient.id)
    assert [(s.kind, s.local_time, s.days) for s in schedules] == [("high_risk", "17:00", "fri")]
