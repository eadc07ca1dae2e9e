"""Every player query; visibility is decided by the acting principal's brand scope."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.auth.principal import Principal
from croupier.models import Channel, Player, PlayerIdentity


def visible_players(principal: Principal) -> Select[tuple[Player]]:
    query = select(Player).where(Player.merged_into_id.is_(None))
    if principal.brand_ids is not None:
        query = query.where(Player.brand_id.in_(principal.brand_ids))
    return query


async def search(session: AsyncSession, principal: Principal, *, brand_id: int | None, external_id: str | None,
                 email: str | None, before_id: int | None, limit: int) -> list[Player]:
    """Visible players matching every given filter, newest first, `limit` of them after the cursor."""
    query = visible_players(principal)
    if brand_id is not None:
        query = query.where(Player.brand_id == brand_id)
    if external_id is not None:
        query = query.where(Player.external_id == external_id)
    if email is not None:
        query = query.where(func.lower(Player.email) == email.strip().lower())
    if before_id is not None:
        query = query.where(Player.id < before_id)
    return list(await session.scalars(query.order_by(Player.id.desc()).limit(limit)))


async def player_for(session: AsyncSession, principal: Principal, player_id: int) -> Player | None:
    return await session.scalar(visible_players(principal).where(Player.id == player_id))


async def player_by_external_id(session: AsyncSession, brand_id: int, external_id: str) -> Player | None:
    return await session.scalar(select(Player).where(Player.brand_id == brand_id, Player.external_id == external_id))


async def identity(session: AsyncSession, channel_id: int, external_id: str) -> PlayerIdentity | None:
    return await session.scalar(select(PlayerIdentity).where(
        PlayerIdentity.channel_id == channel_id, PlayerIdentity.external_id == external_id))


async def identities_of(session: AsyncSession, player_id: int) -> list[tuple[PlayerIdentity, Channel]]:
    rows = await session.execute(
        select(PlayerIdentity, Channel).join(Channel, Channel.id == PlayerIdentity.channel_id)
        .where(PlayerIdentity.player_id == player_id).order_by(PlayerIdentity.id))
    return [(r[0], r[1]) for r in rows]
