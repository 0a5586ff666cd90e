"""Pacing: a normal day's sending stays inside Telegram's limits, so Telegram never says 429.

The sandbox enforces Telegram's limits (a burst of 3 then 1 message/s per private chat,
30/s overall); the bot paces with the settings' defaults, as ``companion run`` does.
"""

from __future__ import annotations

import pytest

from bot.domain.model import PatientStatus
from bot.sandbox.models import SandboxUser
from tests.e2e.conftest import Clinic
from tests.factories import seed_patient
from tests.reliability.desk import enqueue

pytestmark = pytest.mark.slow
FIRST_NAMES = ["Ash", "Blair", "Corin", "Dale", "Emery", "Frankie"]


async def linked_patients(clinic: Clinic, count: int) -> list[tuple[str, SandboxUser]]:
    """Patients already linked to chats whose users have started the bot."""
    client = clinic.sandbox.client
    people: list[tuple[str, SandboxUser]] = []
    now = clinic.clock.now()
    async with clinic.services.store.uow() as uow:
        for n in range(count):
            first = FIRST_NAMES[n % len(FIRST_NAMES)]
            user = await client.create_user(first)
            await client.start_bot(user.id)
            _, patient = await seed_patient(
                uow,
                now,
                name=f"{first} Tester{n}",
                chat_id=user.chat_id,
                status=PatientStatus.ACTIVE,
            )
            people.append((patient.id, user))
        await uow.commit()
    return people


@pytest.mark.parametrize("backend", ["sqlite"])  # pacing does not depend on the database
async def test_eight_to_one_chat_and_sixty_to_many_chats_get_no_429(
    paced_clinic: Clinic, backend: str
) -> None:
    clinic = paced_clinic
    patient, avery = await clinic.onboard()
    others = await linked_patients(clinic, 30)
    await clinic.settle()  # their /start is answered, paced too

    desk_notes = [(patient.id, f"Note {n} of 8") for n in range(1, 9)]
    many_notes = [(pid, f"Hello {n} of 2") for pid, _ in others for n in (1, 2)]
    await enqueue(clinic.services, *desk_notes, *many_notes)
    await clinic.runtime.dispatcher.run_until_idle(timeout=60)

    stats = await clinic.sandbox.client.stats()
    assert stats["too_many_requests"] == 0
    assert stats["limit_violations"] == {"global": 0, "private_chat": 0, "group": 0}
    assert clinic.runtime.dispatcher.stats["rate_limited"] == 0
    notes = [t for t in await clinic.texts(avery) if t.startswith("Note ")]
    assert notes == [text for _, text in desk_notes]
    for _, user in others:
        hellos = [t for t in await clinic.texts(user) if t.startswith("Hello ")]
        assert hellos == ["Hello 1 of 2", "Hello 2 of 2"]
