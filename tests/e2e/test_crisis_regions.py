"""Through Telegram (the sandbox): a Sydney and a Berlin patient each get their own
country's emergency number and crisis lines; an erased patient's /sos still does."""

from __future__ import annotations

from bot.sandbox.models import SandboxUser
from bot.services import texts
from tests.e2e.conftest import Clinic
from tests.e2e.test_erase import erase


async def crisis_message(clinic: Clinic, user: SandboxUser) -> str:
    texts_seen = await clinic.texts(user)
    return next(t for t in reversed(texts_seen) if t.startswith("You're not alone"))


async def test_a_sydney_patients_sos_gives_000_and_lifeline(clinic: Clinic) -> None:
    _, user = await clinic.onboard(tz="Australia/Sydney")
    await clinic.say(user, texts.SOS_BUTTON)
    crisis = await crisis_message(clinic, user)
    assert "call 000" in crisis and "Lifeline: Call 13 11 14" in crisis
    assert "911" not in crisis and "988" not in crisis


async def test_a_berlin_patients_sos_gives_112_and_telefonseelsorge(clinic: Clinic) -> None:
    _, user = await clinic.onboard(tz="Europe/Berlin")
    await clinic.say(user, "/sos")
    crisis = await crisis_message(clinic, user)
    assert "call 112" in crisis and "TelefonSeelsorge" in crisis
    assert "911" not in crisis and "SAMHSA" not in crisis


async def test_an_erased_berlin_patients_sos_still_gives_their_numbers(clinic: Clinic) -> None:
    patient, user = await clinic.onboard(tz="Europe/Berlin")
    await erase(clinic, patient.id)
    await clinic.say(user, texts.SOS_BUTTON)
    reply = (await clinic.last(user)).text or ""
    assert "call 112" in reply and "TelefonSeelsorge" in reply
    assert texts.SOS_NOT_ENROLLED in reply and "Sam (brother)" not in reply
    await clinic.say(user, "hello")  # otherwise still a stranger
    assert (await clinic.last(user)).text == texts.NOT_ENROLLED
