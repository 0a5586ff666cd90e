"""The clinic's side of a reliability test, in the test's own process.

``Desk`` opens the same database (and keys) a ``companion run`` process uses and calls
the same use cases as the ``clinician`` commands: set up staff, enrol and invite
patients, publish a plan, schedule check-ins. It also reads what the bot process wrote
(check-in answers, inbox rows, outbox rows). The patient's side is played through the
sandbox's control API (``onboard``, ``wait_for_text``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from bot.bootstrap import OpenedStore, Services, build_services, open_store
from bot.config import Settings
from bot.demo import PLAN
from bot.domain.ids import new_id
from bot.domain.model import DeliveryStatus, Patient, Priority
from bot.sandbox.client import SandboxClient
from bot.sandbox.models import BotMessage, SandboxUser
from bot.services import texts
from bot.services.access import Actor
from bot.services.outgoing import Outgoing
from bot.store.tables import InboxRow, OutboxRow
from tests.reliability.processes import wait_until

UNFINISHED = (DeliveryStatus.PENDING.value, DeliveryStatus.SENDING.value)


@dataclass
class Desk:
    opened: OpenedStore
    services: Services
    actor: Actor

    @classmethod
    async def open(cls, settings: Settings) -> Desk:
        """Create the deployment's database and keys (``clinician init``), an admin and a
        team, as a clinic does before the bot first runs."""
        opened = await open_store(settings, initialise=True)
        services = build_services(opened.store, settings)
        admin = await services.staff.create_first_admin("dr.rivera", "Dr Sam Rivera")
        team = await services.staff.add_team(Actor(staff=admin), "Harbor Team")
        await services.staff.add_member(Actor(staff=admin), team.name, admin.username)
        actor = Actor(staff=admin, team_ids=frozenset({team.id}))
        return cls(opened, services, actor)

    async def close(self) -> None:
        await self.opened.store.close()

    # --- the clinician's side ---------------------------------------------------------
    async def enrol(self, name: str = "Avery Quill") -> tuple[Patient, str]:
        """A patient with a plan and an invite code (``clinician patient add/invite``)."""
        patient = await self.services.patients.add(self.actor, name, "America/New_York")
        await self.services.plans.publish(
            self.actor, patient.reference, PLAN, note="first plan", source="plan.yaml"
        )
        invite = await self.services.patients.invite(self.actor, patient.reference)
        return patient, invite.code

    async def enqueue(self, *notes: tuple[str, str]) -> list[str]:
        return await enqueue(self.services, *notes)

    # --- what the bot process wrote ---------------------------------------------------
    async def patient(self, patient_id: str) -> Patient:
        async with self.opened.store.uow() as uow:
            patient = await uow.patients.get(patient_id)
        assert patient is not None
        return patient

    async def answers(self, patient_id: str) -> dict[str, Any]:
        """Every check-in answer of the patient, by question id (one check-in expected)."""
        async with self.opened.store.uow() as uow:
            return {
                answer.question_id: answer.value
                for checkin in await uow.checkins.for_patient(patient_id)
                for answer in await uow.checkins.answers(checkin)
            }

    async def inbox_status(self, update_id: int) -> str | None:
        """``pending``, ``done`` or ``failed``; None when the update was never stored."""
        async with self.opened.store.db.sessions() as session:
            value = await session.scalar(
                select(InboxRow.status).where(InboxRow.update_id == update_id)
            )
        return None if value is None else str(value)

    async def outbox_unfinished(self) -> int:
        """Rows waiting to be sent or being sent."""
        async with self.opened.store.db.sessions() as session:
            value = await session.scalar(
                select(func.count()).select_from(OutboxRow).where(OutboxRow.status.in_(UNFINISHED))
            )
        return int(value or 0)

    async def outbox_statuses(self) -> Counter[str]:
        async with self.opened.store.db.sessions() as session:
            rows = await session.execute(
                select(OutboxRow.status, func.count()).group_by(OutboxRow.status)
            )
            return Counter({str(status): int(n) for status, n in rows})

    async def outbox_settled(self, *, timeout: float = 20.0) -> None:  # noqa: ASYNC109
        await wait_until(lambda: self._no_unfinished(), timeout=timeout, what="the outbox is empty")

    async def _no_unfinished(self) -> bool:
        return await self.outbox_unfinished() == 0


async def enqueue(services: Services, *notes: tuple[str, str]) -> list[str]:
    """Write messages (patient id, text) to the outbox in one transaction; their ids."""
    out = Outgoing(f"notes:{new_id()}", services.clock.now())
    ids = [
        out.to_patient(patient_id, text, purpose="note", priority=Priority.ROUTINE).id
        for patient_id, text in notes
    ]
    async with services.store.uow() as uow:
        for message in out.messages:
            await uow.outbox.enqueue(message)
        await uow.commit()
    return ids


# --- the patient's side -----------------------------------------------------------------
async def texts_in(client: SandboxClient, chat_id: int) -> list[str]:
    return [m.text or "" for m in await client.messages(chat_id)]


async def count_text(client: SandboxClient, chat_id: int, prefix: str) -> int:
    return sum(text.startswith(prefix) for text in await texts_in(client, chat_id))


async def wait_for_text(
    client: SandboxClient,
    chat_id: int,
    prefix: str,
    *,
    count: int = 1,
    timeout: float = 20.0,  # noqa: ASYNC109
) -> BotMessage:
    """Wait until ``count`` bot messages in the chat start with ``prefix``; the last one."""

    async def found() -> BotMessage | None:
        matching = [m for m in await client.messages(chat_id) if (m.text or "").startswith(prefix)]
        return matching[-1] if len(matching) >= count else None

    message = await wait_until(
        found, timeout=timeout, what=f"{count} message(s) starting {prefix[:30]!r}"
    )
    assert message is not None
    return message


async def onboard(
    desk: Desk, client: SandboxClient, first_name: str = "Avery", name: str = "Avery Quill"
) -> tuple[Patient, SandboxUser]:
    """Enrol a patient; they open the invite link and agree, through the running bot."""
    patient, code = await desk.enrol(name)
    user = await client.create_user(first_name)
    await client.start_bot(user.id, code)
    onboarding = await wait_for_text(client, user.chat_id, texts.ONBOARDING)
    await client.press(user.id, onboarding, texts.CONSENT_YES)
    await wait_for_text(client, user.chat_id, texts.CONSENT_THANKS)
    return patient, user


async def first_question(client: SandboxClient, user: SandboxUser) -> BotMessage:
    """The patient types /checkin and gets the first question."""
    await client.send_text(user.id, "/checkin")
    return await wait_for_text(client, user.chat_id, "Check-in (1/5)")
