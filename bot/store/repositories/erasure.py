"""Erasing a patient, in the store: what destroying the data key alone would leave.

Destroying the data key makes every ``*_enc`` value of the patient unreadable. In the same
transaction, :func:`scrub_patient` (called just before that) takes care of the rest:

- plaintext columns that tell something clinical: an escalation's rule and level, a
  check-in's risk level and origin, a schedule's kind, an outbox row's purpose, scope and
  priority, a supporter's draft scopes;
- links that still work: supporters' chat indexes, unused invite codes, consents in force,
  running coping sessions, open check-ins, unsent messages;
- copies kept under the system key, which crypto-shredding does not reach: the stored
  Telegram updates from the patient's chat (and, once processed, from their supporters'
  chats), messages to those chats, and staff alerts about the patient's escalations.

What stays: row skeletons (ids, times, statuses), the reference, consent records (ended)
and the audit log, whose entries name no health detail.
"""

from __future__ import annotations

import contextlib
from datetime import datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.model import (
    CheckinStatus,
    DeliveryStatus,
    EscalationStatus,
    Priority,
    SupporterStatus,
)
from bot.store.crypto import DataKeyDestroyed
from bot.store.repositories.chat_index import PATIENT_CHAT
from bot.store.repositories.outbox import DROPPED, FINISHED
from bot.store.tables import (
    CheckinRow,
    ConsentRow,
    CopingSessionRow,
    EnrolmentCodeRow,
    EscalationRow,
    InboxRow,
    OutboxRow,
    ScheduleRow,
    SupporterRow,
)
from bot.store.vault import Vault

ERASED = "erased"
UNSENT = (DeliveryStatus.PENDING.value, DeliveryStatus.SENDING.value)
OPEN_CHECKINS = [s.value for s in CheckinStatus if s.open]
OPEN_SUPPORT = (
    SupporterStatus.DRAFT.value,
    SupporterStatus.INVITED.value,
    SupporterStatus.PENDING.value,
    SupporterStatus.ACTIVE.value,
)


async def scrub_patient(
    session: AsyncSession, vault: Vault, patient_id: str, chat_index: str | None, now: datetime
) -> None:
    """Everything of erasure but the key itself; run while the data key still exists."""
    supporters = list(
        await session.scalars(select(SupporterRow).where(SupporterRow.patient_id == patient_id))
    )
    supporter_chats = await _supporter_chat_indexes(vault, supporters)
    own_chats = [] if chat_index is None else [chat_index]
    await _inbox(session, own_chats, supporter_chats, now)
    await _outbox(session, patient_id, [s.id for s in supporters], own_chats, supporter_chats)
    await _links(session, patient_id, [s.id for s in supporters], now)
    await _clinical_columns(session, patient_id, now)


async def _supporter_chat_indexes(vault: Vault, supporters: list[SupporterRow]) -> list[str]:
    """Supporters' chats, as the inbox indexes them (their chat ids are still readable)."""
    indexes = []
    for row in supporters:
        with contextlib.suppress(DataKeyDestroyed):
            chat = await vault.open_text(
                "supporters", "chat_id", row.id, row.patient_id, row.chat_id_enc
            )
            if chat is not None:
                indexes.append(vault.index(PATIENT_CHAT, int(chat)))
    return indexes


async def _inbox(
    session: AsyncSession, own: list[str], supporters: list[str], now: datetime
) -> None:
    if own:  # their own chat: everything, and what is still waiting is never acted on
        await session.execute(
            update(InboxRow)
            .where(InboxRow.chat_index.in_(own), InboxRow.status == "pending")
            .values(status="done", processed_at=now, error=ERASED)
        )
        await session.execute(
            update(InboxRow).where(InboxRow.chat_index.in_(own)).values(payload_enc=DROPPED)
        )
    if supporters:  # a supporter may support someone else too: only what was processed
        await session.execute(
            update(InboxRow)
            .where(InboxRow.chat_index.in_(supporters), InboxRow.status != "pending")
            .values(payload_enc=DROPPED)
        )


async def _outbox(
    session: AsyncSession,
    patient_id: str,
    supporter_ids: list[str],
    own_chats: list[str],
    supporter_chats: list[str],
) -> None:
    escalations = select(EscalationRow.id).where(EscalationRow.patient_id == patient_id)
    theirs = or_(
        OutboxRow.patient_id == patient_id,
        and_(OutboxRow.recipient_kind == "patient", OutboxRow.recipient_id == patient_id),
        and_(OutboxRow.recipient_kind == "supporter", OutboxRow.recipient_id.in_(supporter_ids)),
        and_(OutboxRow.ref_kind == "escalation", OutboxRow.ref_id.in_(escalations)),
        OutboxRow.chat_index.in_(own_chats),
    )
    await session.execute(
        update(OutboxRow)
        .where(theirs, OutboxRow.status.in_(UNSENT))
        .values(status=DeliveryStatus.CANCELLED.value, lease_until=None, last_error="erased")
    )
    await session.execute(
        update(OutboxRow)
        .where(theirs)
        .values(payload_enc=DROPPED, purpose=ERASED, consent_scope=None, priority=Priority.BULK)
    )
    if supporter_chats:
        await session.execute(
            update(OutboxRow)
            .where(OutboxRow.chat_index.in_(supporter_chats), OutboxRow.status.in_(FINISHED))
            .values(payload_enc=DROPPED)
        )


async def _links(
    session: AsyncSession, patient_id: str, supporter_ids: list[str], now: datetime
) -> None:
    """Nothing of theirs can be used again: chats unlinked, codes revoked, consents ended."""
    await session.execute(
        update(SupporterRow)
        .where(SupporterRow.patient_id == patient_id, SupporterRow.status.in_(OPEN_SUPPORT))
        .values(status=SupporterStatus.REVOKED.value, updated_at=now)
    )
    await session.execute(
        update(SupporterRow)
        .where(SupporterRow.patient_id == patient_id)
        .values(chat_index=None, chat_id_enc=None, draft_scopes="")
    )
    await session.execute(
        update(EnrolmentCodeRow)
        .where(
            or_(
                EnrolmentCodeRow.patient_id == patient_id,
                EnrolmentCodeRow.supporter_id.in_(supporter_ids),
            ),
            EnrolmentCodeRow.used_at.is_(None),
            EnrolmentCodeRow.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    await session.execute(
        update(ConsentRow)
        .where(ConsentRow.patient_id == patient_id, ConsentRow.ended_at.is_(None))
        .values(ended_at=now, end_reason=ERASED)
    )


async def _clinical_columns(session: AsyncSession, patient_id: str, now: datetime) -> None:
    await session.execute(
        update(CopingSessionRow)
        .where(CopingSessionRow.patient_id == patient_id, CopingSessionRow.finished_at.is_(None))
        .values(finished_at=now)
    )
    await session.execute(
        update(CopingSessionRow)
        .where(CopingSessionRow.patient_id == patient_id)
        .values(status=ERASED, next_prompt_at=None)
    )
    await session.execute(
        update(CheckinRow)
        .where(CheckinRow.patient_id == patient_id, CheckinRow.status.in_(OPEN_CHECKINS))
        .values(status=CheckinStatus.CANCELLED.value, completed_at=now)
    )
    await session.execute(
        update(CheckinRow)
        .where(CheckinRow.patient_id == patient_id)
        .values(risk_level=None, origin=ERASED, question_ref=None, message_id=None)
    )
    await session.execute(
        update(ScheduleRow)
        .where(ScheduleRow.patient_id == patient_id)
        .values(kind=ERASED, active=False, next_due_utc=None)
    )
    await session.execute(
        update(EscalationRow)
        .where(EscalationRow.patient_id == patient_id)
        .values(
            rule=ERASED,
            level=ERASED,
            status=EscalationStatus.RESOLVED.value,
            resolved_at=func.coalesce(EscalationRow.resolved_at, now),
            next_notify_at=None,
        )
    )
