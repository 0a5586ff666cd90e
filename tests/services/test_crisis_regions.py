"""Crisis numbers per patient: each patient's region (from --region or their time zone)
decides the emergency number and crisis lines they are given, whatever the clinic's
default; the clinician is warned when the region disagrees with the zone or has no line."""

from __future__ import annotations

import pytest

from bot.demo import PLAN
from bot.plans.crisis import REGIONS, UnknownRegion
from bot.services import texts
from bot.services.plan_chat import SECTION
from tests.delivery.fakes import FakeBotApi
from tests.services.conftest import World, enrolled_patient
from tests.services.test_emergency import seen

SYDNEY_CHAT = 680101
BERLIN_CHAT = 680102


async def sos(world: World, chat: int) -> str:
    """The patient presses SOS; the crisis message that reaches them."""
    await seen(world)
    await world.services.safety.sos(chat, world.update_id())
    return (await seen_by(world, chat))[0]


async def seen_by(world: World, chat: int) -> list[str]:
    api = FakeBotApi()
    await seen(world, api)
    return api.texts_to(chat)


async def test_a_sydney_patient_is_given_australias_numbers(world: World) -> None:
    await enrolled_patient(world, SYDNEY_CHAT, tz="Australia/Sydney", plan=PLAN)
    crisis = await sos(world, SYDNEY_CHAT)
    assert crisis.startswith(texts.SOS_HEADER.format(emergency="000"))
    assert "Lifeline: Call 13 11 14" in crisis
    assert "911" not in crisis and "988" not in crisis and "SAMHSA" not in crisis


async def test_a_berlin_patient_in_crisis_is_given_germanys_numbers(world: World) -> None:
    await enrolled_patient(world, BERLIN_CHAT, tz="Europe/Berlin", plan=PLAN)
    await seen(world)
    await world.services.conversation.free_text(BERLIN_CHAT, "I want to die", world.update_id())
    first = (await seen_by(world, BERLIN_CHAT))[0]
    assert first.startswith(
        texts.CRISIS_TEXT_RESPONSE + "\n" + texts.SOS_HEADER.format(emergency="112")
    )
    assert "TelefonSeelsorge: Call 0800 111 0 111" in first and "988" not in first


async def test_the_plans_crisis_section_shows_the_patients_regions_lines(world: World) -> None:
    await enrolled_patient(world, SYDNEY_CHAT, tz="Australia/Sydney", plan=PLAN)
    await seen(world)
    await world.services.plan_chat.press(
        SYDNEY_CHAT, f"{SECTION}:crisis", "cb-1", world.update_id()
    )
    section = "\n".join(await seen_by(world, SYDNEY_CHAT))
    assert "13 11 14" in section and "000" in section and "988" not in section


async def test_an_explicit_region_wins_over_the_time_zone(world: World) -> None:
    enrolled = await world.services.patients.enrol(
        world.clinician, "Avery Quill", "Europe/Berlin", region="au"
    )
    assert (enrolled.patient.crisis_region, enrolled.region) == ("AU", "AU")


async def test_a_region_that_disagrees_with_the_time_zone_is_warned_about(world: World) -> None:
    enrolled = await world.services.patients.enrol(
        world.clinician, "Avery Quill", "Europe/Berlin", region="AU"
    )
    (note,) = enrolled.notes
    assert note.startswith("Warning: the time zone Europe/Berlin is in DE (Germany)")
    assert "AU (Australia)" in note and "set --region DE" in note


async def test_the_region_defaults_to_the_time_zones_country_without_warnings(
    world: World,
) -> None:
    enrolled = await world.services.patients.enrol(
        world.clinician, "Avery Quill", "America/Mexico_City"
    )
    assert enrolled.patient.crisis_region == "MX" and enrolled.notes == ()


async def test_an_unknown_region_is_refused_naming_the_valid_codes(world: World) -> None:
    with pytest.raises(UnknownRegion) as raised:
        await world.services.patients.enrol(
            world.clinician, "Avery Quill", "Europe/Berlin", region="XX"
        )
    assert all(code in str(raised.value) for code in REGIONS)
    async with world.services.store.uow() as uow:
        assert await uow.patients.find() == []  # nothing was enrolled


async def test_a_region_without_a_crisis_line_tells_the_clinic_what_to_do(world: World) -> None:
    enrolled = await world.services.patients.enrol(
        world.clinician, "Avery Quill", "Europe/Copenhagen"
    )
    assert enrolled.region == "DK"
    (note,) = enrolled.notes
    assert note == texts.Regions.NO_LINE.format(region="DK", name="Denmark", emergency="112")
    assert "plan's crisis section" in note


async def test_a_zone_naming_no_country_falls_back_to_the_clinic_default(world: World) -> None:
    enrolled = await world.services.patients.enrol(world.clinician, "Avery Quill", "UTC")
    assert enrolled.patient.crisis_region is None and enrolled.region == "US"
    assert enrolled.notes[0].startswith("Warning: the time zone UTC names no country")


async def test_changing_the_region_changes_what_sos_shows(world: World) -> None:
    patient = await enrolled_patient(world, SYDNEY_CHAT, tz="Australia/Sydney", plan=PLAN)
    changed = await world.services.patients.set_region(world.clinician, patient.reference, "NZ")
    assert changed.patient.crisis_region == "NZ"
    assert "Australia/Sydney is in AU" in changed.notes[0]  # a mismatch now
    crisis = await sos(world, SYDNEY_CHAT)
    assert "call 111" in crisis and "1737" in crisis and "13 11 14" not in crisis


async def test_an_erased_patients_sos_still_shows_their_regions_numbers(world: World) -> None:
    patient = await enrolled_patient(world, BERLIN_CHAT, tz="Europe/Berlin", plan=PLAN)
    await world.services.patients.erase(world.admin, patient.reference, patient.reference)
    await seen(world)
    assert await world.services.safety.sos(BERLIN_CHAT, world.update_id())
    (reply,) = await seen_by(world, BERLIN_CHAT)
    assert reply.startswith(texts.SOS_HEADER.format(emergency="112"))
    assert "TelefonSeelsorge" in reply and reply.endswith(texts.SOS_NOT_ENROLLED)
    assert "Sam (brother)" not in reply  # nothing of the (shredded) plan
    async with world.services.store.uow() as uow:
        escalations = await uow.escalations.find(patient_ids=[patient.id])
    assert all(e.resolution == "patient erased" for e in escalations)  # no new alert


async def test_a_stranger_pressing_sos_is_not_taken_for_an_erased_patient(world: World) -> None:
    assert not await world.services.safety.sos(999001, world.update_id())
