"""Every audit-log query. Admins see every entry; others see their brands' entries and their own actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.auth.principal import Principal
from croupier.models import AuditEntry


@dataclass(frozen=True)
class AuditFilter:
    action: str | None = None  # exact, or a prefix when it ends with ".*" ("auth.*")
    actor_user_id: int | None = None
    target_type: str | None = None
    target_id: str | None = None
    brand_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


async def entries(session: AsyncSession, principal: Principal, f: AuditFilter, *, before_id: int | None,
                  limit: int) -> list[AuditEntry]:
    """Matching entries, newest first."""
    query = select(AuditEntry)
    if principal.brand_ids is not None:
        query = query.where(or_(AuditEntry.brand_id.in_(principal.brand_ids),
                                AuditEntry.actor_user_id == principal.user_id))
    if f.action and f.action.endswith(".*"):
        prefix = f.action[:-1].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(AuditEntry.action.like(f"{prefix}%", escape="\\"))
    elif f.action:
        query = query.where(AuditEntry.action == f.action)
    for column, value in ((AuditEntry.actor_user_id, f.actor_user_id), (AuditEntry.target_type, f.target_type),
                          (AuditEntry.target_id, f.target_id), (AuditEntry.brand_id, f.brand_id)):
        if value is not None:
            query = query.where(column == value)
    if f.since is not None:
        query = query.where(AuditEntry.at >= f.since)
    if f.until is not None:
        query = query.where(AuditEntry.at < f.until)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return list(await session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit)))


async def count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(AuditEntry)) or 0
