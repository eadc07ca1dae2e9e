"""Every query the auth package makes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.models import ApiToken, Brand, RecoveryCode, Role, StaffSession, User, user_brands


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email == email.strip().lower()))


async def user_brand_ids(session: AsyncSession, user_id: int) -> frozenset[int]:
    rows = await session.scalars(select(user_brands.c.brand_id).where(user_brands.c.user_id == user_id))
    return frozenset(rows)


async def brand_requires_2fa(session: AsyncSession, user: User) -> bool:
    query = select(Brand.id).where(Brand.require_2fa.is_(True))
    if user.role != Role.admin:
        query = query.join(user_brands, user_brands.c.brand_id == Brand.id).where(user_brands.c.user_id == user.id)
    return (await session.scalar(query.limit(1))) is not None


async def staff_session(session: AsyncSession, session_id: str) -> tuple[StaffSession, User] | None:
    row = (await session.execute(
        select(StaffSession, User).join(User, User.id == StaffSession.user_id).where(StaffSession.id == session_id)
    )).first()
    return (row[0], row[1]) if row else None


async def unused_recovery_codes(session: AsyncSession, user_id: int) -> list[RecoveryCode]:
    return list(await session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))))


async def token_by_prefix(session: AsyncSession, prefix: str) -> tuple[ApiToken, User] | None:
    row = (await session.execute(
        select(ApiToken, User).join(User, User.id == ApiToken.user_id).where(ApiToken.prefix == prefix)
    )).first()
    return (row[0], row[1]) if row else None


async def tokens_of(session: AsyncSession, user_id: int | None) -> list[ApiToken]:
    query = select(ApiToken).order_by(ApiToken.id.desc())
    if user_id is not None:
        query = query.where(ApiToken.user_id == user_id)
    return list(await session.scalars(query))
