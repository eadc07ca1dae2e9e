"""Every query the auth package makes."""

from __future__ import annotations

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.auth.principal import Principal
from croupier.models import (
    ApiToken,
    Brand,
    RecoveryCode,
    Role,
    StaffSession,
    Team,
    User,
    user_brands,
    user_teams,
)


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


def visible_users(principal: Principal) -> Select[tuple[User]]:
    """Everyone for admins; otherwise yourself and the staff who work on one of your brands."""
    query = select(User)
    if principal.brand_ids is not None:
        colleagues = select(user_brands.c.user_id).where(user_brands.c.brand_id.in_(principal.brand_ids))
        query = query.where(or_(User.id == principal.user_id, User.id.in_(colleagues)))
    return query


async def user_scopes(session: AsyncSession, user_ids: list[int]) -> dict[int, tuple[list[int], list[int]]]:
    """{user id: (brand ids, team ids)}, both sorted."""
    out: dict[int, tuple[list[int], list[int]]] = {uid: ([], []) for uid in user_ids}
    if not user_ids:
        return out
    brands = await session.execute(select(user_brands.c.user_id, user_brands.c.brand_id)
                                   .where(user_brands.c.user_id.in_(user_ids)).order_by(user_brands.c.brand_id))
    for uid, bid in brands:
        out[uid][0].append(bid)
    teams = await session.execute(select(user_teams.c.user_id, user_teams.c.team_id)
                                  .where(user_teams.c.user_id.in_(user_ids)).order_by(user_teams.c.team_id))
    for uid, tid in teams:
        out[uid][1].append(tid)
    return out


async def teams(session: AsyncSession) -> list[Team]:
    return list(await session.scalars(select(Team).order_by(Team.name)))
