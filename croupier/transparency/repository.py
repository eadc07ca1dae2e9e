"""Every transparency query. Public pages read a brand's published data unscoped (it is public); the
operator's API reaches a brand only after the service has checked the principal's scope."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, tuple_
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.models import (
    Game,
    GameMonth,
    Helpline,
    Licence,
    PageKind,
    PageVersion,
    PaymentMethod,
    PaymentTransaction,
    TransactionStatus,
)

CHUNK = 500  # rows per INSERT: well under the bound-parameter limits of SQLite and asyncpg


# -- text pages ---------------------------------------------------------------------------------------
async def versions(session: AsyncSession, brand_id: int, kind: PageKind, locale: str) -> list[PageVersion]:
    """Every version of one page, newest first."""
    return list(await session.scalars(select(PageVersion).where(
        PageVersion.brand_id == brand_id, PageVersion.kind == kind, PageVersion.locale == locale)
        .order_by(PageVersion.version.desc())))


async def last_version_number(session: AsyncSession, brand_id: int, kind: PageKind, locale: str) -> int:
    return await session.scalar(select(func.coalesce(func.max(PageVersion.version), 0)).where(
        PageVersion.brand_id == brand_id, PageVersion.kind == kind, PageVersion.locale == locale))


async def in_force(session: AsyncSession, brand_id: int, locale: str, today: date) -> dict[PageKind, PageVersion]:
    """Per kind, the version in force on `today` in `locale`: the newest one already effective."""
    found: dict[PageKind, PageVersion] = {}
    rows = await session.scalars(select(PageVersion).where(
        PageVersion.brand_id == brand_id, PageVersion.locale == locale, PageVersion.effective_from <= today)
        .order_by(PageVersion.kind, PageVersion.effective_from.desc(), PageVersion.version.desc()))
    for version in rows:
        found.setdefault(version.kind, version)
    return found


async def locales_of(session: AsyncSession, brand_id: int, kind: PageKind) -> list[str]:
    """The locales one page has been published in."""
    return sorted(await session.scalars(select(PageVersion.locale).where(
        PageVersion.brand_id == brand_id, PageVersion.kind == kind).distinct()))


async def page_summary(session: AsyncSession, brand_ids: Sequence[int]
                       ) -> dict[tuple[int, PageKind, str], tuple[int, date]]:
    """{(brand, kind, locale): (latest version, its effective date)} for the console's overview."""
    if not brand_ids:
        return {}
    latest = select(PageVersion.brand_id, PageVersion.kind, PageVersion.locale,
                    func.max(PageVersion.version).label("version")).where(
        PageVersion.brand_id.in_(brand_ids)).group_by(PageVersion.brand_id, PageVersion.kind,
                                                       PageVersion.locale).subquery()
    rows = await session.execute(select(PageVersion.brand_id, PageVersion.kind, PageVersion.locale,
                                        PageVersion.version, PageVersion.effective_from).join(
        latest, (PageVersion.brand_id == latest.c.brand_id) & (PageVersion.kind == latest.c.kind)
        & (PageVersion.locale == latest.c.locale) & (PageVersion.version == latest.c.version)))
    return {(b, k, loc): (v, eff) for b, k, loc, v, eff in rows}


# -- licences and helplines ---------------------------------------------------------------------------
async def licences(session: AsyncSession, brand_id: int) -> list[Licence]:
    return list(await session.scalars(select(Licence).where(Licence.brand_id == brand_id)
                                      .order_by(Licence.regulator, Licence.licence_number)))


async def helplines(session: AsyncSession, brand_id: int) -> list[Helpline]:
    return list(await session.scalars(select(Helpline).where(Helpline.brand_id == brand_id)
                                      .order_by(Helpline.country, Helpline.name)))


# -- games and rounds ---------------------------------------------------------------------------------
async def games(session: AsyncSession, brand_id: int) -> list[Game]:
    return list(await session.scalars(select(Game).where(Game.brand_id == brand_id).order_by(Game.name, Game.id)))


async def game_months(session: AsyncSession, brand_id: int, since: date) -> list[GameMonth]:
    return list(await session.scalars(select(GameMonth).join(Game, Game.id == GameMonth.game_id).where(
        Game.brand_id == brand_id, GameMonth.month >= since).order_by(GameMonth.month.desc(), GameMonth.game_id)))


async def months_of(session: AsyncSession, game_ids: Iterable[int], months: Iterable[date]
                    ) -> dict[tuple[int, date], GameMonth]:
    pairs = list({(g, m) for g, m in zip(game_ids, months, strict=True)})
    if not pairs:
        return {}
    found = await session.scalars(select(GameMonth).where(tuple_(GameMonth.game_id, GameMonth.month).in_(pairs))
                                  .execution_options(populate_existing=True))
    return {(m.game_id, m.month): m for m in found}


# -- payment methods and transactions -----------------------------------------------------------------
async def methods(session: AsyncSession, brand_id: int) -> list[PaymentMethod]:
    return list(await session.scalars(select(PaymentMethod).where(PaymentMethod.brand_id == brand_id)
                                      .order_by(PaymentMethod.name, PaymentMethod.id)))


async def transactions_since(session: AsyncSession, brand_id: int, since: datetime
                             ) -> list[tuple[int, str, str, datetime, datetime | None]]:
    """(method id, direction, status, requested_at, completed_at) of the brand's transactions requested since."""
    rows = await session.execute(select(
        PaymentTransaction.method_id, PaymentTransaction.direction, PaymentTransaction.status,
        PaymentTransaction.requested_at, PaymentTransaction.completed_at).where(
        PaymentTransaction.brand_id == brand_id, PaymentTransaction.requested_at >= since))
    return [tuple(r) for r in rows]


async def transaction_states(session: AsyncSession, brand_id: int, external_ids: Sequence[str]
                             ) -> dict[str, TransactionStatus]:
    found: dict[str, TransactionStatus] = {}
    for start in range(0, len(external_ids), CHUNK):
        found.update((await session.execute(select(PaymentTransaction.external_id, PaymentTransaction.status).where(
            PaymentTransaction.brand_id == brand_id,
            PaymentTransaction.external_id.in_(external_ids[start:start + CHUNK])))).all())
    return found


# -- writing ------------------------------------------------------------------------------------------
async def all_of(session: AsyncSession, model: Any, brand_id: int) -> list[Any]:
    """Every row of one of the brand's small tables (games, payment methods, licences, helplines)."""
    return list(await session.scalars(select(model).where(model.brand_id == brand_id)
                                      .execution_options(populate_existing=True)))


async def upsert(session: AsyncSession, model: Any, rows: list[dict[str, Any]], keys: tuple[str, ...],
                 update: tuple[str, ...], *, only_pending: bool = False) -> None:
    """INSERT … ON CONFLICT (keys) DO UPDATE SET update (DO NOTHING when `update` is empty): a replay racing
    its original never fails. `only_pending`: update a transaction only while it is pending and the new row
    is final."""
    insert = postgresql_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    for start in range(0, len(rows), CHUNK):
        statement = insert(model.__table__).values(rows[start:start + CHUNK])
        if not update:
            statement = statement.on_conflict_do_nothing(index_elements=list(keys))
        else:
            where = None
            if only_pending:
                table = model.__table__
                where = (table.c.status == TransactionStatus.pending.value) & (
                    statement.excluded.status != TransactionStatus.pending.value)
            statement = statement.on_conflict_do_update(
                index_elements=list(keys), set_={c: statement.excluded[c] for c in update}, where=where)
        await session.execute(statement)
