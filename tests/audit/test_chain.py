"""The audit log is a hash chain: editing or deleting an entry is detected."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from croupier.audit.service import audit_service
from croupier.models import AuditEntry


async def _write(db, n: int) -> list[int]:
    ids = []
    for i in range(n):
        async with db.transaction() as s:
            ids.append((await audit_service.record(s, "test.event", actor="tester", n=i)).id)
    return ids


class TestChain:
    async def test_intact_chain_verifies(self, db):
        await _write(db, 5)
        async with db.transaction() as s:
            assert await audit_service.verify_chain(s) is None

    async def test_each_entry_links_to_the_previous(self, db):
        await _write(db, 3)
        async with db.transaction() as s:
            rows = list(await s.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]

    async def test_edited_entry_is_found(self, db):
        ids = await _write(db, 4)
        async with db.transaction() as s:
            await s.execute(update(AuditEntry).where(AuditEntry.id == ids[2]).values(actor="someone else"))
        async with db.transaction() as s:
            assert await audit_service.verify_chain(s) == ids[2]

    async def test_deleted_entry_is_found(self, db):
        ids = await _write(db, 4)
        async with db.transaction() as s:
            await s.execute(delete(AuditEntry).where(AuditEntry.id == ids[1]))
        async with db.transaction() as s:
            assert await audit_service.verify_chain(s) == ids[2]
