"""Append-only audit log: each entry's hash covers the previous entry's hash, so any edit or
deletion breaks the chain and `verify_chain()` names the first broken entry."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.audit import repository
from croupier.auth.principal import Principal
from croupier.kit.clock import utcnow
from croupier.models import AuditEntry

GENESIS = "0" * 64
_PG_AUDIT_LOCK = 0x43525550  # advisory lock key serialising the chain on PostgreSQL


def _entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    payload = orjson.dumps(fields, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(prev_hash.encode() + payload).hexdigest()


def _fields(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": entry.at.isoformat(), "actor_user_id": entry.actor_user_id, "actor": entry.actor,
        "action": entry.action, "target_type": entry.target_type, "target_id": entry.target_id,
        "brand_id": entry.brand_id, "ip": entry.ip, "details": entry.details,
    }


class AuditService:
    async def record(self, session: AsyncSession, action: str, *, principal: Principal | None = None,
                     actor: str | None = None, actor_user_id: int | None = None,
                     target_type: str | None = None, target_id: object = None, brand_id: int | None = None,
                     ip: str | None = None, **details: Any) -> AuditEntry:
        if session.bind.dialect.name == "postgresql":
            await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK})
        prev = await session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
        entry = AuditEntry(
            at=utcnow(),
            actor_user_id=principal.user_id if principal else actor_user_id,
            actor=principal.label if principal else (actor or "system"),
            action=action, target_type=target_type,
            target_id=None if target_id is None else str(target_id),
            brand_id=brand_id, ip=ip, details=details, prev_hash=prev or GENESIS,
        )
        entry.hash = _entry_hash(entry.prev_hash, _fields(entry))
        session.add(entry)
        await session.flush()
        return entry

    async def entries(self, session: AsyncSession, principal: Principal, f: repository.AuditFilter, *,
                      before_id: int | None = None, limit: int = 50) -> list[AuditEntry]:
        principal.require("audit:read")
        return await repository.entries(session, principal, f, before_id=before_id, limit=limit)

    async def verify(self, session: AsyncSession, principal: Principal) -> tuple[int | None, int]:
        """(first broken entry id or None, number of entries checked)."""
        principal.require("audit:read")
        return await self.verify_chain(session), await repository.count(session)

    async def verify_chain(self, session: AsyncSession) -> int | None:
        """Id of the first entry whose hash or link is wrong, or None if the chain is intact."""
        prev = GENESIS
        result = await session.stream_scalars(select(AuditEntry).order_by(AuditEntry.id))
        async for entry in result:
            if entry.prev_hash != prev or entry.hash != _entry_hash(prev, _fields(entry)):
                return entry.id
            prev = entry.hash
        return None


audit_service = AuditService()
