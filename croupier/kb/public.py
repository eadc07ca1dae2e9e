"""The knowledge base as readers see it: published articles of a brand in a locale (else in the brand's
default locale, marked as a fallback), its categories and contacts, and the readers' "was this helpful?"
votes. Nothing here needs a principal: only published content is read."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from croupier.errors import NotFound
from croupier.kb import repository
from croupier.kit.i18n import N_
from croupier.models import (
    Article,
    ArticleTranslation,
    ArticleVersion,
    ArticleVote,
    Brand,
    HelpCentreContacts,
    KbCategory,
)


@dataclass(frozen=True)
class Shown:
    """An article as the help centre shows it in one locale: the published version, maybe a fallback."""

    article: Article
    translation: ArticleTranslation
    version: ArticleVersion
    fallback: bool  # shown in the brand's default locale because the asked one has no translation


class PublicKb:
    async def published_articles(self, session: AsyncSession, brand: Brand, locale: str,
                                 category_id: int | None = None) -> list[Shown]:
        """Every article with a published version, in `locale` or else the default locale, in order."""
        articles = await repository.articles_of(session, brand.id, category_id)
        return await self._shown(session, brand, locale, articles)

    async def published_article(self, session: AsyncSession, brand: Brand, locale: str, slug: str) -> Shown:
        article = await repository.article_by_slug(session, brand.id, slug)
        shown = await self._shown(session, brand, locale, [article]) if article else []
        if not shown:
            raise NotFound(N_("There is no article '%(slug)s' in this help centre."), slug=slug[:120])
        return shown[0]

    async def public_categories(self, session: AsyncSession, brand: Brand) -> list[KbCategory]:
        return await repository.categories_of(session, brand.id)

    async def public_category(self, session: AsyncSession, brand: Brand, category_id: int | None
                              ) -> KbCategory | None:
        category = await session.get(KbCategory, category_id) if category_id else None
        return category if category is not None and category.brand_id == brand.id else None

    async def published_locales_of(self, session: AsyncSession, brand: Brand) -> dict[int, list[str]]:
        """{article id: the locales it is published in} for a whole brand (the sitemap)."""
        out: dict[int, list[str]] = {}
        for t, _v in await repository.published(session, brand.id, tuple(brand.locales)):
            out.setdefault(t.article_id, []).append(t.locale)
        return {k: sorted(v) for k, v in out.items()}

    async def published_locales(self, session: AsyncSession, brand: Brand, article_id: int) -> list[str]:
        """The locales an article is published in (for hreflang alternates)."""
        rows = await repository.published(session, brand.id, tuple(brand.locales), [article_id])
        return sorted(t.locale for t, _v in rows)

    async def contacts(self, session: AsyncSession, brand: Brand) -> HelpCentreContacts | None:
        return await session.get(HelpCentreContacts, brand.id)

    async def vote(self, session: AsyncSession, translation: ArticleTranslation, voter: str, helpful: bool
                   ) -> ArticleTranslation:
        """Record a reader's answer to "was this helpful?"; a reader's second answer replaces the first."""
        previous = await repository.vote_of(session, translation.id, voter)
        if previous is not None:
            if previous.helpful == helpful:
                return translation
            if previous.helpful:
                translation.helpful_yes -= 1
            else:
                translation.helpful_no -= 1
            previous.helpful = helpful
        else:
            session.add(ArticleVote(translation_id=translation.id, voter=voter, helpful=helpful))
        if helpful:
            translation.helpful_yes += 1
        else:
            translation.helpful_no += 1
        await session.flush()
        return translation

    async def _shown(self, session: AsyncSession, brand: Brand, locale: str, articles: list[Article]
                     ) -> list[Shown]:
        wanted = tuple(dict.fromkeys((locale, brand.default_locale)))
        found: dict[tuple[int, str], tuple[ArticleTranslation, ArticleVersion]] = {
            (t.article_id, t.locale): (t, v)
            for t, v in await repository.published(session, brand.id, wanted, [a.id for a in articles])}
        out = []
        for article in articles:
            for code in wanted:
                if (article.id, code) in found:
                    t, v = found[(article.id, code)]
                    out.append(Shown(article, t, v, fallback=code != locale))
                    break
        return out


public_kb = PublicKb()
