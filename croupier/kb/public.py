"""The knowledge base as readers see it: published articles of a brand in a locale (else in the brand's
default locale, marked as a fallback), its categories and contacts, and the readers' "was this helpful?"
votes. Nothing here needs a principal: only published content is read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from croupier.errors import NotFound
from croupier.kb import repository
from croupier.kb.index import Category, LocaleIndex
from croupier.kb.index_cache import indexes, public_version_of
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
class ArticleRef:
    id: int
    slug: str
    category_id: int | None


@dataclass(frozen=True)
class TranslationRef:
    id: int
    locale: str
    published_at: datetime | None


@dataclass(frozen=True)
class VersionRef:
    number: int
    title: str
    html: str | None  # (None: not read)


@dataclass(frozen=True)
class Listed:
    """An article as a page shows or lists it (the attributes of Shown that pages read), from the catalogue."""

    article: ArticleRef
    translation: TranslationRef
    version: VersionRef
    fallback: bool


@dataclass(frozen=True)
class ArticlePage:
    shown: Listed
    alternates: list[str]  # the locales it is published in
    category: Category | None
    related: list[Listed]


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

    async def article_page(self, session: AsyncSession, brand: Brand, locale: str, slug: str,
                           version: int | None = None, related: int = 5) -> ArticlePage:
        """An article as its page shows it (as `published_article`), the locales it is published in, its category
        and the first `related` other articles of the category as its page lists them (published in `locale`,
        else in the default locale). Read from the search indexes' catalogue (croupier/kb/index.py) as of
        the public `version` (read now when not given): the database is asked only for the article's HTML."""
        if version is None:
            version = await public_version_of(session)
        catalogue = {code: await indexes.get(session, brand.id, code, version)
                     for code in dict.fromkeys((locale, brand.default_locale, *brand.locales))}
        wanted = [catalogue[code] for code in dict.fromkeys((locale, brand.default_locale))]
        article_id = next((c.by_slug[slug] for c in wanted if slug in c.by_slug), None)
        shown_in = next((c for c in wanted if article_id in c.published), None)
        found = await repository.published_html(session, shown_in.published[article_id], shown_in.states[
            shown_in.published[article_id]][1] or 0) if shown_in is not None else None
        if found is None:
            raise NotFound(N_("There is no article '%(slug)s' in this help centre."), slug=slug[:120])
        shown = self._listed(shown_in, article_id, locale, html=found)
        category_id = shown_in.catalogue.articles[article_id][1]
        category = shown_in.catalogue.categories.get(category_id) if category_id is not None else None
        return ArticlePage(shown, sorted(code for code in brand.locales if article_id in catalogue[code].published),
                           category, self._related(wanted, locale, category_id, article_id, related) if category else [])

    def _listed(self, source: LocaleIndex, article_id: int, locale: str, html: str | None = None) -> Listed:
        translation_id = source.published[article_id]
        _published, number, at = source.states[translation_id]
        slug, category_id, _position = source.catalogue.articles[article_id]
        return Listed(ArticleRef(article_id, slug, category_id), TranslationRef(translation_id, source.locale, at),
                      VersionRef(number or 0, source.titles.get(translation_id, ""), html), source.locale != locale)

    def _related(self, wanted: list[LocaleIndex], locale: str, category_id: int, article_id: int, limit: int
                 ) -> list[Listed]:
        firsts: dict[int, LocaleIndex] = {}
        for source in reversed(wanted):  # (the asked locale's translation wins)
            for other in [a for a in source.by_category.get(category_id, [])[:limit + 1] if a != article_id][:limit]:
                firsts[other] = source
        chosen = sorted(firsts, key=lambda a: firsts[a].order(a))[:limit]
        return [self._listed(firsts[a], a, locale) for a in chosen]

    async def public_categories(self, session: AsyncSession, brand: Brand) -> list[KbCategory]:
        return await repository.categories_of(session, brand.id)

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
