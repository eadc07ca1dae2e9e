"""The console's own reads: batch look-ups for a page of rows, and the staff and teams to choose from.

Ids passed in come from objects the principal was already allowed to see; staff lists are limited
to the brands given."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.models import Brand, Channel, Player, Role, Team, User, user_brands


async def users_by_id(session: AsyncSession, ids: Collection[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {u.id: u for u in await session.scalars(select(User).where(User.id.in_(set(ids))))}


async def players_by_id(session: AsyncSession, ids: Collection[int]) -> dict[int, Player]:
    if not ids:
        return {}
    return {p.id: p for p in await session.scalars(select(Player).where(Player.id.in_(set(ids))))}


async def channels_by_id(session: AsyncSession, ids: Collection[int]) -> dict[int, Channel]:
    if not ids:
        return {}
    return {c.id: c for c in await session.scalars(select(Channel).where(Channel.id.in_(set(ids))))}


async def brands_by_id(session: AsyncSession, ids: Collection[int]) -> dict[int, Brand]:
    if not ids:
        return {}
    return {b.id: b for b in await session.scalars(select(Brand).where(Brand.id.in_(set(ids))))}


async def staff_of_brands(session: AsyncSession, brand_ids: Collection[int] | None) -> list[User]:
    """Active staff who work on any of `brand_ids` (administrators work on every brand); None: all staff."""
    query = select(User).where(User.is_active.is_(True)).order_by(User.name, User.id)
    if brand_ids is not None:
        query = query.where(or_(User.role == Role.admin, User.id.in_(
            select(user_brands.c.user_id).where(user_brands.c.brand_id.in_(set(brand_ids))))))
    return list(await session.scalars(query))


async def teams(session: AsyncSession) -> list[Team]:
    return list(await session.scalars(select(Team).order_by(Team.name)))
