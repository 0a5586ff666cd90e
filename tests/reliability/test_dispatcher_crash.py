"""A crash (SIGKILL) of ``companion run`` while the dispatcher is sending a paced batch.

Sending is at least once: after a restart every message arrives; the only repeat is a
message that reached Telegram just before the kill but was not yet marked sent, and
messages to one chat go one at a time, so that is at most one per chat per kill.
"""

from __future__ import annotations

import pytest

from bot.sandbox.client import SandboxClient
from tests.reliability.desk import Desk, count_text, onboard, texts_in, wait_for_text
from tests.reliability.processes import Deployment, Processes, wait_until

pytestmark = pytest.mark.slow
PEOPLE = [
    ("Avery", "Avery Quill"),
    ("Bo", "Bo Lark"),
    ("Cam", "Cam Wren"),
    ("Dee", "Dee Finch"),
    ("Eli", "Eli Sparrow"),
    ("Fay", "Fay Heron"),
]
EACH = 5  # 30 messages; Telegram's per-chat limit makes each chat's five take seconds
NOTES = [f"Note {n} of {EACH}" for n in range(1, EACH + 1)]


async def notes_delivered(telegram: SandboxClient, chats: list[int]) -> int:
    return sum([await count_text(telegram, chat, "Note ") for chat in chats])


async def test_a_dispatcher_killed_mid_batch_delivers_everything_after_restart(
    deployment: Deployment, processes: Processes, desk: Desk, telegram: SandboxClient
) -> None:
    bot = await processes.started_bot(deployment)
    people = [await onboard(desk, telegram, first, name) for first, name in PEOPLE]
    await desk.outbox_settled()
    await desk.enqueue(*[(patient.id, note) for patient, _ in people for note in NOTES])
    chats = [user.chat_id for _, user in people]

    async def some_sent() -> int:
        return max(0, (await notes_delivered(telegram, chats)) - 9)

    await wait_until(some_sent, timeout=30, what="ten notes have arrived")
    bot.kill()
    assert await notes_delivered(telegram, chats) < len(PEOPLE) * EACH  # mid-batch

    await processes.started_bot(deployment)
    await desk.outbox_settled(timeout=60)
    assert set(await desk.outbox_statuses()) == {"sent"}
    for chat in chats:
        notes = [text for text in await texts_in(telegram, chat) if text.startswith("Note ")]
        assert list(dict.fromkeys(notes)) == NOTES  # every note, in order
        assert len(notes) - len(NOTES) <= 1  # at most one repeated


async def test_a_restart_sends_what_the_dead_dispatcher_had_claimed_without_waiting_out_its_lease(
    deployment: Deployment, processes: Processes, desk: Desk, telegram: SandboxClient
) -> None:
    bot = await processes.started_bot(deployment)
    patient, user = await onboard(desk, telegram)
    await desk.outbox_settled()
    await telegram.set_fault("slow", method="sendMessage", delay=60, count=1)
    await desk.enqueue((patient.id, "A note that was on its way"))

    async def sending() -> bool:
        return any(rule["fired"] for rule in await telegram.faults())

    await wait_until(sending, timeout=20, what="the note is being sent")
    bot.kill()  # the sandbox drops the request: the note never arrived
    await telegram.clear_faults()

    await processes.started_bot(deployment)
    await wait_for_text(telegram, user.chat_id, "A note that was on its way", timeout=10)
