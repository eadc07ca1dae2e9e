"""Every brand and channel query, scoped by the acting principal."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.auth.principal import Principal
from croupier.models import Brand, Channel, ChannelType


async def visible_brands(session: AsyncSession, principal: Principal) -> list[Brand]:
    query = select(Brand).order_by(Brand.name)
    if principal.brand_ids is not None:
        query = query.where(Brand.id.in_(principal.brand_ids))
    return list(await session.scalars(query))


async def brand_for(session: AsyncSession, principal: Principal, brand_id: int) -> Brand | None:
    if not principal.sees_brand(brand_id):
        return None
    return await session.get(Brand, brand_id)


async def brand_by_slug(session: AsyncSession, slug: str) -> Brand | None:
    return await session.scalar(select(Brand).where(Brand.slug == slug))


async def channels_of(session: AsyncSession, brand_ids: list[int]) -> list[Channel]:
    return list(await session.scalars(select(Channel).where(Channel.brand_id.in_(brand_ids)).order_by(Channel.id)))


async def webchat_channel(session: AsyncSession, brand_id: int) -> Channel | None:
    return await session.scalar(select(Channel).where(Channel.brand_id == brand_id,
                                                      Channel.type == ChannelType.webchat).order_by(Channel.id))


async def channel_named(session: AsyncSession, brand_id: int, name: str) -> Channel | None:
    return await session.scalar(select(Channel).where(Channel.brand_id == brand_id, Channel.name == name))


async def channel_by_key(session: AsyncSession, key: str) -> Channel | None:
    return await session.scalar(select(Channel).where(Channel.key == key))


async def active_brands(session: AsyncSession) -> list[Brand]:
    """Every active brand, unscoped: for public pages such as the demo casinos."""
    return list(await session.scalars(select(Brand).where(Brand.is_active.is_(True)).order_by(Brand.name)))
