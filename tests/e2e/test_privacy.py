"""Logs carry ids and event names, never what a patient wrote, their name or chat id."""

from __future__ import annotations

import logging

import pytest

from bot.services import texts
from tests.e2e.conftest import Clinic

SECRET_NOTE = "Zephyrine-note: my landlord shouted again"


async def test_nothing_a_patient_says_or_is_appears_in_the_logs(
    clinic: Clinic, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    caplog.set_level(logging.DEBUG, logger="scheduler")
    caplog.set_level(logging.INFO)
    patient, user = await clinic.onboard(name="Quillon Marchetti")
    await clinic.say(user, "/checkin")
    for label in ("9", "4", "Payday evenings", "Done", "Yes", "2"):
        await clinic.press(user, label)
    await clinic.say(user, SECRET_NOTE)
    await clinic.say(user, "I want to end it all")
    await clinic.say(user, texts.SOS_BUTTON)
    await clinic.sandbox.client.set_fault("500", method="sendMessage", count=2)
    await clinic.say(user, "/plan")
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert caplog.records, "the flow logged nothing at all; the check would be empty"
    for secret in (
        "Quillon",
        "Marchetti",
        "Zephyrine",
        "landlord",
        "end it all",
        str(user.chat_id),
        "Payday",
        "555-0100",
    ):
        assert secret not in logged, secret
    assert patient.reference  # references may be logged; they identify nobody outside
