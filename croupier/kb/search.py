"""Knowledge-base search, the same on SQLite and PostgreSQL: an inverted index of stemmed terms in plain
tables (kb_passages, kb_terms) and BM25 ranking in Python.

Only published versions are indexed, one passage for the title and one per section of the body, so a
hit can be shown to anyone and quoted by the assistant. A translation missing in the asked locale is
searched in the brand's default locale instead (with that language's stemmer), and its hits say so.

    hits = await search(session, brand_id, "pl", "kiedy dostanę wypłatę", limit=5)
    hits[0].title, hits[0].heading, hits[0].text, hits[0].score, hits[0].fallback
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import Select, delete, exists, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from croupier.kb.analyzer import Section, query_terms, sections, term_counts
from croupier.models import Article, ArticleStatus, ArticleTranslation, Brand, KbPassage, KbTerm

K1, B = 1.2, 0.75  # BM25's usual term-saturation and length-normalisation constants
MAX_QUERY_TERMS = 32


@dataclass(frozen=True)
class Hit:
    """One passage of a published article, with its BM25 score (higher is better)."""

    article_id: int
    translation_id: int
    slug: str
    locale: str
    title: str
    heading: str
    text: str
    score: float
    fallback: bool  # in the brand's default locale: the asked locale has no translation


async def index(session: AsyncSession, translation: ArticleTranslation, title: str, body: str) -> None:
    """(Re)index the published `title` and `body` of a translation."""
    await unindex(session, translation.id)
    parts = [Section("", title), *sections(body)]
    for position, part in enumerate(parts):
        counts, length = term_counts(f"{part.heading}\n{part.text}", translation.locale)
        passage = KbPassage(translation_id=translation.id, brand_id=translation.brand_id, locale=translation.locale,
                            position=position, heading=part.heading[:300], text=part.text, length=max(length, 1))
        session.add(passage)
        await session.flush()
        if counts:
            await session.execute(insert(KbTerm), [
                {"passage_id": passage.id, "term": term, "brand_id": translation.brand_id,
                 "locale": translation.locale, "tf": tf} for term, tf in counts.items()])


async def unindex(session: AsyncSession, translation_id: int) -> None:
    passages = select(KbPassage.id).where(KbPassage.translation_id == translation_id)
    await session.execute(delete(KbTerm).where(KbTerm.passage_id.in_(passages)))
    await session.execute(delete(KbPassage).where(KbPassage.translation_id == translation_id))


async def _bm25(session: AsyncSession, brand_id: int, locale: str, query: str) -> dict[int, float]:
    """{passage id: BM25 score} of every passage in (brand, locale) sharing a term with the query."""
    wanted = query_terms(query, locale)[:MAX_QUERY_TERMS]
    if not wanted:
        return {}
    n, avgdl = (await session.execute(select(func.count(), func.avg(KbPassage.length)).where(
        KbPassage.brand_id == brand_id, KbPassage.locale == locale))).one()
    if not n:
        return {}
    rows = (await session.execute(
        select(KbTerm.term, KbTerm.passage_id, KbTerm.tf, KbPassage.length)
        .join(KbPassage, KbPassage.id == KbTerm.passage_id)
        .where(KbTerm.brand_id == brand_id, KbTerm.locale == locale, KbTerm.term.in_(wanted)))).all()
    df = Counter(row.term for row in rows)
    scores: dict[int, float] = defaultdict(float)
    for term, passage_id, tf, length in rows:
        idf = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
        scores[passage_id] += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / float(avgdl)))
    return scores


def _untranslated(brand_id: int, default: str, locale: str) -> Select[tuple[int]]:
    """Published translations in the default locale whose article has none published in `locale`."""
    other = aliased(ArticleTranslation)
    mine = ArticleTranslation
    return select(mine.id).where(
        mine.brand_id == brand_id, mine.locale == default, mine.status == ArticleStatus.published,
        ~exists().where(other.article_id == mine.article_id, other.locale == locale,
                        other.status == ArticleStatus.published))


async def _hits(session: AsyncSession, scores: dict[int, float], *, fallback: bool,
                only: set[int] | None = None) -> list[Hit]:
    """Passage hits from passage scores: a body passage scores its own BM25 plus its title's; a translation
    matched by its title alone is represented by its first section."""
    if not scores:
        return []
    found = (await session.execute(select(KbPassage.id, KbPassage.translation_id, KbPassage.position)
                                   .where(KbPassage.id.in_(scores)))).all()
    title_score: dict[int, float] = defaultdict(float)
    body: dict[int, float] = {}
    for passage_id, translation_id, position in found:
        if only is not None and translation_id not in only:
            continue
        if position == 0:
            title_score[translation_id] = scores[passage_id]
        else:
            body[passage_id] = scores[passage_id]
    translations = set(title_score) | {t for p, t, _ in found if p in body}
    rows = (await session.execute(
        select(KbPassage, Article.id, Article.slug).join(ArticleTranslation,
                                                         ArticleTranslation.id == KbPassage.translation_id)
        .join(Article, Article.id == ArticleTranslation.article_id)
        .where(KbPassage.translation_id.in_(translations), KbPassage.position <= 1))).all()
    titles = {p.translation_id: p.text for p, _a, _s in rows if p.position == 0}
    firsts = {p.translation_id: p for p, _a, _s in rows if p.position == 1}
    articles = {p.translation_id: (a, s) for p, a, s in rows}
    passages = {p.id: p for p in (await session.scalars(select(KbPassage).where(KbPassage.id.in_(body))))}
    hits: list[Hit] = []
    covered: set[int] = set()
    for passage_id, score in body.items():
        p = passages[passage_id]
        covered.add(p.translation_id)
        hits.append(_hit(p, articles, titles, score + title_score[p.translation_id], fallback))
    for translation_id, score in title_score.items():
        if translation_id not in covered and translation_id in firsts:
            hits.append(_hit(firsts[translation_id], articles, titles, score, fallback))
    return hits


def _hit(p: KbPassage, articles: dict[int, tuple[int, str]], titles: dict[int, str], score: float,
         fallback: bool) -> Hit:
    article_id, slug = articles[p.translation_id]
    return Hit(article_id=article_id, translation_id=p.translation_id, slug=slug, locale=p.locale,
               title=titles.get(p.translation_id, ""), heading=p.heading, text=p.text, score=round(score, 4),
               fallback=fallback)


async def search(session: AsyncSession, brand_id: int, locale: str, query: str, limit: int = 10) -> list[Hit]:
    """The best-matching published passages of a brand's knowledge base in `locale`, best first (articles
    not translated into `locale` are searched in the brand's default locale, `fallback=True`)."""
    hits = await _hits(session, await _bm25(session, brand_id, locale, query), fallback=False)
    brand = await session.get(Brand, brand_id)
    if brand is not None and brand.default_locale != locale:
        only = set(await session.scalars(_untranslated(brand_id, brand.default_locale, locale)))
        if only:
            hits += await _hits(session, await _bm25(session, brand_id, brand.default_locale, query),
                                fallback=True, only=only)
    hits.sort(key=lambda h: (-h.score, h.article_id, h.heading))
    return hits[:limit]


async def search_articles(session: AsyncSession, brand_id: int, locale: str, query: str,
                          limit: int = 20) -> list[Hit]:
    """One hit per article (its best passage), best first."""
    best: dict[int, Hit] = {}
    for hit in await search(session, brand_id, locale, query, limit=10_000):
        best.setdefault(hit.article_id, hit)
    return list(best.values())[:limit]
