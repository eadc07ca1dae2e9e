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
from typing import NamedTuple

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


class _Scored(NamedTuple):  # (a named tuple: thousands are made per search, a dataclass costs more)
    """A matched passage before anything but its score is read: where it is, for ranking and ties."""

    article_id: int
    translation_id: int
    position: int
    heading: str
    score: float


async def _bm25(session: AsyncSession, brand_id: int, locale: str, query: str) -> dict[int, _Scored]:
    """{passage id: BM25 score and place} of every passage in (brand, locale) sharing a term with the query."""
    wanted = query_terms(query, locale)[:MAX_QUERY_TERMS]
    if not wanted:
        return {}
    n, avgdl = (await session.execute(select(func.count(), func.avg(KbPassage.length)).where(
        KbPassage.brand_id == brand_id, KbPassage.locale == locale))).one()
    if not n:
        return {}
    rows = (await session.execute(
        select(KbTerm.term, KbTerm.passage_id, KbTerm.tf, KbPassage.length, ArticleTranslation.article_id,
               KbPassage.translation_id, KbPassage.position, KbPassage.heading)
        .join(KbPassage, KbPassage.id == KbTerm.passage_id)
        .join(ArticleTranslation, ArticleTranslation.id == KbPassage.translation_id)
        .where(KbTerm.brand_id == brand_id, KbTerm.locale == locale, KbTerm.term.in_(wanted)))).all()
    df = Counter(row.term for row in rows)
    idf = {term: math.log(1 + (n - count + 0.5) / (count + 0.5)) for term, count in df.items()}
    scores: dict[int, float] = defaultdict(float)
    where: dict[int, tuple[int, int, int, str]] = {}
    for term, passage_id, tf, length, article_id, translation_id, position, heading in rows:
        scores[passage_id] += idf[term] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / float(avgdl)))
        where[passage_id] = (article_id, translation_id, position, heading)
    return {p: _Scored(*where[p], score) for p, score in scores.items()}


def _untranslated(brand_id: int, default: str, locale: str) -> Select[tuple[int]]:
    """Published translations in the default locale whose article has none published in `locale`."""
    other = aliased(ArticleTranslation)
    mine = ArticleTranslation
    return select(mine.id).where(
        mine.brand_id == brand_id, mine.locale == default, mine.status == ArticleStatus.published,
        ~exists().where(other.article_id == mine.article_id, other.locale == locale,
                        other.status == ArticleStatus.published))


class _Candidate(NamedTuple):
    """A would-be hit, ranked before its text, title and address are loaded (only the shown ones are)."""

    score: float
    article_id: int
    heading: str
    passage_id: int
    fallback: bool

    def key(self) -> tuple[float, int, str]:
        return -self.score, self.article_id, self.heading


async def _candidates(session: AsyncSession, scored: dict[int, _Scored], *, fallback: bool,
                      only: set[int] | None = None) -> list[_Candidate]:
    """Passage hits from passage scores: a body passage scores its own BM25 plus its title's; a translation
    matched by its title alone is represented by its first section."""
    title_score: dict[int, float] = defaultdict(float)
    article_of: dict[int, int] = {}
    body: dict[int, _Scored] = {}
    for passage_id, found in scored.items():
        if only is not None and found.translation_id not in only:
            continue
        if found.position == 0:
            title_score[found.translation_id] = found.score
            article_of[found.translation_id] = found.article_id
        else:
            body[passage_id] = found
    title_only = set(title_score) - {found.translation_id for found in body.values()}
    firsts = {translation_id: (passage_id, heading) for passage_id, translation_id, heading in (
        await session.execute(select(KbPassage.id, KbPassage.translation_id, KbPassage.heading).where(
            KbPassage.translation_id.in_(title_only), KbPassage.position == 1))).all()} if title_only else {}
    out = [_Candidate(round(found.score + title_score[found.translation_id], 4), found.article_id, found.heading,
                      passage_id, fallback) for passage_id, found in body.items()]
    out += [_Candidate(round(title_score[translation_id], 4), article_of[translation_id], heading, passage_id,
                       fallback) for translation_id, (passage_id, heading) in firsts.items()]
    return out


async def _hits(session: AsyncSession, chosen: list[_Candidate]) -> list[Hit]:
    """The chosen candidates as hits, in their order: their passages, titles and articles' addresses."""
    if not chosen:
        return []
    title = aliased(KbPassage)
    found = {p.id: (p, slug, title_text) for p, slug, title_text in (await session.execute(
        select(KbPassage, Article.slug, title.text)
        .join(ArticleTranslation, ArticleTranslation.id == KbPassage.translation_id)
        .join(Article, Article.id == ArticleTranslation.article_id)
        .outerjoin(title, (title.translation_id == KbPassage.translation_id) & (title.position == 0))
        .where(KbPassage.id.in_([c.passage_id for c in chosen]))))}
    hits = []
    for c in chosen:
        p, slug, title_text = found[c.passage_id]
        hits.append(Hit(article_id=c.article_id, translation_id=p.translation_id, slug=slug, locale=p.locale,
                        title=title_text or "", heading=p.heading, text=p.text, score=c.score, fallback=c.fallback))
    return hits


async def _ranked(session: AsyncSession, brand_id: int, locale: str, query: str) -> list[_Candidate]:
    """Every matching passage, best first (see `search`)."""
    ranked = await _candidates(session, await _bm25(session, brand_id, locale, query), fallback=False)
    brand = await session.get(Brand, brand_id)
    if brand is not None and brand.default_locale != locale:
        only = set(await session.scalars(_untranslated(brand_id, brand.default_locale, locale)))
        if only:
            ranked += await _candidates(session, await _bm25(session, brand_id, brand.default_locale, query),
                                        fallback=True, only=only)
    ranked.sort(key=_Candidate.key)
    return ranked


async def search(session: AsyncSession, brand_id: int, locale: str, query: str, limit: int = 10) -> list[Hit]:
    """The best-matching published passages of a brand's knowledge base in `locale`, best first (articles
    not translated into `locale` are searched in the brand's default locale, `fallback=True`)."""
    return await _hits(session, (await _ranked(session, brand_id, locale, query))[:limit])


async def search_articles(session: AsyncSession, brand_id: int, locale: str, query: str,
                          limit: int = 20) -> list[Hit]:
    """One hit per article (its best passage), best first."""
    best: dict[int, _Candidate] = {}
    for candidate in await _ranked(session, brand_id, locale, query):
        best.setdefault(candidate.article_id, candidate)
    return await _hits(session, list(best.values())[:limit])
