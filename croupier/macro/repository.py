"""Every macro query. Staff see the macros of every brand (brand_id None) and of their own brands."""

from __future__ import annotations

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.auth.principal import Principal
from croupier.models import Macro

MAX_MACROS = 1_000


def visible(principal: Principal) -> Select[tuple[Macro]]:
    query = select(Macro)
    if principal.brand_ids is not None:
        query = query.where(or_(Macro.brand_id.is_(None), Macro.brand_id.in_(principal.brand_ids)))
    return query


async def get(session: AsyncSession, principal: Principal, macro_id: int) -> Macro | None:
    return await session.scalar(visible(principal).where(Macro.id == macro_id))


async def listed(session: AsyncSession, principal: Principal, brand_id: int | None) -> list[Macro]:
    """Macros of `brand_id` and of every brand (all visible ones without it), by shortcut."""
    query = visible(principal)
    if brand_id is not None:
        query = query.where(or_(Macro.brand_id.is_(None), Macro.brand_id == brand_id))
    return list(await session.scalars(query.order_by(Macro.shortcut, Macro.brand_id.is_(None), Macro.id)
                                      .limit(MAX_MACROS)))


async def for_brand(session: AsyncSession, brand_id: int) -> list[Macro]:
    """What a conversation of `brand_id` can use: its brand's macros and every brand's."""
    return list(await session.scalars(select(Macro).where(or_(Macro.brand_id.is_(None), Macro.brand_id == brand_id))
                                      .order_by(Macro.shortcut, Macro.id).limit(MAX_MACROS)))


async def by_shortcut(session: AsyncSession, brand_id: int | None, shortcut: str) -> Macro | None:
    scope = Macro.brand_id.is_(None) if brand_id is None else Macro.brand_id == brand_id
    return await session.scalar(select(Macro).where(scope, Macro.shortcut == shortcut))
