"""The audit log is append-only and hash-chained; tampering is found where it happened."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, update

from bot.domain.audit import entry_hash
from bot.store.tables import AuditRow
from bot.store.uow import Store


async def _write(store: Store, now: datetime, count: int) -> None:
    async with store.uow() as uow:
        for i in range(count):
            await uow.audit.append(
                actor="staff:abc",
                action="patient.view",
                at=now + timedelta(seconds=i),
                patient_ref=f"P-{i % 3 + 1:04d}",
                detail=f"entry {i + 1}",
            )
        await uow.commit()


async def test_an_untouched_chain_verifies(store: Store, now: datetime) -> None:
    await _write(store, now, 5)
    async with store.uow() as uow:
        checked, broken = await uow.audit.verify()
    assert (checked, broken) == (5, None)


async def test_entries_chain_each_to_the_previous_hash(store: Store, now: datetime) -> None:
    await _write(store, now, 3)
    async with store.uow() as uow:
        entries = await uow.audit.entries()
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[1].prev_hash == entries[0].hash and entries[2].prev_hash == entries[1].hash


async def test_a_changed_entry_is_found_at_its_position(store: Store, now: datetime) -> None:
    await _write(store, now, 6)
    async with store.uow() as uow:
        await uow.session.execute(
            update(AuditRow).where(AuditRow.seq == 4).values(detail="nothing to see")
        )
        await uow.commit()
    async with store.uow() as uow:
        _, broken = await uow.audit.verify()
    assert broken is not None and broken.seq == 4 and "changed" in broken.reason


async def test_a_changed_actor_is_found_too(store: Store, now: datetime) -> None:
    await _write(store, now, 3)
    async with store.uow() as uow:
        await uow.session.execute(update(AuditRow).where(AuditRow.seq == 2).values(actor="system"))
        await uow.commit()
    async with store.uow() as uow:
        _, broken = await uow.audit.verify()
    assert broken is not None and broken.seq == 2


async def test_a_deleted_entry_is_found_at_its_position(store: Store, now: datetime) -> None:
    await _write(store, now, 6)
    async with store.uow() as uow:
        await uow.session.execute(delete(AuditRow).where(AuditRow.seq == 3))
        await uow.commit()
    async with store.uow() as uow:
        _, broken = await uow.audit.verify()
    assert broken is not None and broken.seq == 3 and "missing" in broken.reason


async def test_a_deleted_last_entry_is_found(store: Store, now: datetime) -> None:
    await _write(store, now, 4)
    async with store.uow() as uow:
        await uow.session.execute(delete(AuditRow).where(AuditRow.seq == 4))
        await uow.commit()
    async with store.uow() as uow:
        _, broken = await uow.audit.verify()
    assert broken is not None and broken.seq == 4


async def test_a_rewritten_entry_with_a_recomputed_hash_breaks_the_next_link(
    store: Store, now: datetime
) -> None:
    await _write(store, now, 4)
    async with store.uow() as uow:
        entries = await uow.audit.entries()
        second = entries[1]
        forged = entry_hash(
            second.prev_hash, 2, second.at, second.actor, second.action, None, "forged"
        )
        await uow.session.execute(
            update(AuditRow)
            .where(AuditRow.seq == 2)
            .values(detail="forged", patient_ref=None, hash=forged)
        )
        await uow.commit()
    async with store.uow() as uow:
        _, broken = await uow.audit.verify()
    assert broken is not None and broken.seq == 3 and "does not follow" in broken.reason


async def test_audit_entries_filter_by_patient(store: Store, now: datetime) -> None:
    await _write(store, now, 6)
    async with store.uow() as uow:
        entries = await uow.audit.entries(patient_ref="P-0002")
    assert [e.detail for e in entries] == ["entry 2", "entry 5"]


async def test_every_entry_carries_the_processs_origin_and_a_changed_origin_is_found(
    store: Store, now: datetime
) -> None:
    from_the_ward = Store(store.db, store.keys, origin="cli alex@ward-pc")
    await _write(from_the_ward, now, 3)
    async with store.uow() as uow:
        assert {e.origin for e in await uow.audit.entries()} == {"cli alex@ward-pc"}
        await uow.session.execute(
            update(AuditRow).where(AuditRow.seq == 2).values(origin="cli someone@else")
        )
        await uow.commit()
    async with store.uow() as uow:
        _, broken = await uow.audit.verify()
    assert broken is not None and broken.seq == 2
