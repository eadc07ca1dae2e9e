"""Every knowledge-base query. Staff reads are scoped by the acting principal's brands here; the public
help centre reads only published versions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.auth.principal import Principal
from croupier.kit.markdown import render_markdown
from croupier.models import (
    Article,
    ArticleStatus,
    ArticleTranslation,
    ArticleVersion,
    ArticleVote,
    Brand,
    Channel,
    ChannelType,
    KbCategory,
)


async def brand_for(session: AsyncSession, principal: Principal, brand_id: int) -> Brand | None:
    return await session.get(Brand, brand_id) if principal.sees_brand(brand_id) else None


async def categories_of(session: AsyncSession, brand_id: int) -> list[KbCategory]:
    return list(await session.scalars(select(KbCategory).where(KbCategory.brand_id == brand_id)
                                      .order_by(KbCategory.position, KbCategory.slug)))


async def category_for(session: AsyncSession, principal: Principal, category_id: int) -> KbCategory | None:
    category = await session.get(KbCategory, category_id)
    return category if category is not None and principal.sees_brand(category.brand_id) else None


async def category_by_slug(session: AsyncSession, brand_id: int, slug: str) -> KbCategory | None:
    return await session.scalar(select(KbCategory).where(KbCategory.brand_id == brand_id, KbCategory.slug == slug))


async def article_for(session: AsyncSession, principal: Principal, article_id: int,
                      *, for_update: bool = False) -> Article | None:
    query = select(Article).where(Article.id == article_id)
    if principal.brand_ids is not None:
        query = query.where(Article.brand_id.in_(principal.brand_ids))
    if for_update and session.bind.dialect.name == "postgresql":
        query = query.with_for_update()
    return await session.scalar(query)


async def article_by_slug(session: AsyncSession, brand_id: int, slug: str) -> Article | None:
    return await session.scalar(select(Article).where(Article.brand_id == brand_id, Article.slug == slug))


async def articles_of(session: AsyncSession, brand_id: int, category_id: int | None = None) -> list[Article]:
    query = select(Article).where(Article.brand_id == brand_id)
    if category_id is not None:
        query = query.where(Article.category_id == category_id)
    return list(await session.scalars(query.order_by(Article.position, Article.slug)))


async def translations_of(session: AsyncSession, article_ids: list[int]) -> dict[int, list[ArticleTranslation]]:
    out: dict[int, list[ArticleTranslation]] = {}
    if not article_ids:
        return out
    for t in await session.scalars(select(ArticleTranslation).where(ArticleTranslation.article_id.in_(article_ids))
                                   .order_by(ArticleTranslation.locale)):
        out.setdefault(t.article_id, []).append(t)
    return out


async def translation(session: AsyncSession, article_id: int, locale: str) -> ArticleTranslation | None:
    return await session.scalar(select(ArticleTranslation).where(ArticleTranslation.article_id == article_id,
                                                                 ArticleTranslation.locale == locale))


async def versions(session: AsyncSession, translation_id: int) -> list[ArticleVersion]:
    return list(await session.scalars(select(ArticleVersion).where(ArticleVersion.translation_id == translation_id)
                                      .order_by(ArticleVersion.number.desc())))


async def version(session: AsyncSession, translation_id: int, number: int) -> ArticleVersion | None:
    return await session.scalar(select(ArticleVersion).where(ArticleVersion.translation_id == translation_id,
                                                             ArticleVersion.number == number))


async def published(session: AsyncSession, brand_id: int, locales: tuple[str, ...],
                    article_ids: list[int] | None = None) -> list[tuple[ArticleTranslation, ArticleVersion]]:
    """Published translations in `locales` of a brand's articles, with their published versions."""
    query = (select(ArticleTranslation, ArticleVersion)
             .join(ArticleVersion, (ArticleVersion.translation_id == ArticleTranslation.id)
                   & (ArticleVersion.number == ArticleTranslation.published_version))
             .where(ArticleTranslation.brand_id == brand_id, ArticleTranslation.locale.in_(locales),
                    ArticleTranslation.status == ArticleStatus.published))
    if article_ids is not None:
        query = query.where(ArticleTranslation.article_id.in_(article_ids))
    return [(t, v) for t, v in (await session.execute(query))]


async def vote_of(session: AsyncSession, translation_id: int, voter: str) -> ArticleVote | None:
    return await session.scalar(select(ArticleVote).where(ArticleVote.translation_id == translation_id,
                                                          ArticleVote.voter == voter))


async def brand_with_webchat(session: AsyncSession, slug: str) -> tuple[Brand | None, Channel | None]:
    """A brand by its slug and its (first) web chat channel, in one query: the help centre's every page."""
    row = (await session.execute(
        select(Brand, Channel).outerjoin(Channel, (Channel.brand_id == Brand.id) & (Channel.type == ChannelType.webchat))
        .where(Brand.slug == slug).order_by(Channel.id).limit(1))).first()
    return (row[0], row[1]) if row else (None, None)


async def published_html(session: AsyncSession, translation_id: int, number: int) -> str | None:
    """A version's HTML (rendered now if it was published before versions kept it); None: no such version."""
    row = (await session.execute(select(ArticleVersion.html, ArticleVersion.body).where(
        ArticleVersion.translation_id == translation_id, ArticleVersion.number == number))).first()
    if row is None:
        return None
    return row[0] if row[0] is not None else str(render_markdown(row[1]))
