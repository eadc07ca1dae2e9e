"""Knowledge-base search, the same on SQLite and PostgreSQL: each published passage's stemmed terms are
stored with it (kb_passages.terms), and each process keeps an inverted index of them in memory per
(brand, locale) (croupier/kb/index.py), ranked with BM25.

Only published versions are indexed, one passage for the title and one per section of the body, so a
hit can be shown to anyone and quoted by the assistant. A translation missing in the asked locale is
searched in the brand's default locale instead (with that language's stemmer), and its hits say so.

    hits = await search(session, brand_id, "pl", "kiedy dostanę wypłatę", limit=5)
    hits[0].title, hits[0].heading, hits[0].text, hits[0].score, hits[0].fallback
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.kb.analyzer import Section, query_terms, sections, term_counts, words
from croupier.kb.index import SNIPPET, LocaleIndex
from croupier.kb.index_cache import indexes, public_version_of
from croupier.models import ArticleTranslation, Brand, KbPassage

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
        session.add(KbPassage(translation_id=translation.id, brand_id=translation.brand_id,
                              locale=translation.locale, position=position, heading=part.heading[:300],
                              text=part.text, length=max(length, 1),
                              terms=" ".join(f"{term} {tf}" for term, tf in counts.items())))
    await session.flush()


async def unindex(session: AsyncSession, translation_id: int) -> None:
    await session.execute(delete(KbPassage).where(KbPassage.translation_id == translation_id))


class _Candidate(NamedTuple):
    """A would-be hit, ranked before its text is loaded (only the shown ones' are)."""

    score: float
    article_id: int
    heading: str
    position: int
    passage: int  # its index in `source`
    source: LocaleIndex
    fallback: bool

    def key(self) -> tuple[float, int, str, int]:
        return -self.score, self.article_id, self.heading, self.position


def _best(source: LocaleIndex, wanted: list[str], limit: int, per_article: bool, *, fallback: bool,
          allowed: np.ndarray | None = None) -> list[_Candidate]:
    passages, scores = source.scores(wanted, allowed)
    out = []
    for i in source.best(passages, scores, limit, per_article):
        p = int(passages[i])
        out.append(_Candidate(float(scores[i]), int(source.p_article[p]), source.p_heading[p],
                              int(source.p_position[p]), p, source, fallback))
    return out


async def _ranked(session: AsyncSession, brand_id: int, locale: str, query: str, limit: int,
                  per_article: bool, version: int | None, default_locale: str | None = None) -> list[_Candidate]:
    """The best `limit` passages (or articles' best passages), best first (see `search`)."""
    wanted = query_terms(query, locale)[:MAX_QUERY_TERMS]
    if limit <= 0 or not words(query, locale):  # (no words: no terms in any locale)
        return []
    if version is None:
        version = await public_version_of(session)
    mine = await indexes.get(session, brand_id, locale, version)
    ranked = _best(mine, wanted, limit, per_article, fallback=False)
    if default_locale is None:
        brand = await session.get(Brand, brand_id)
        default_locale = brand.default_locale if brand is not None else locale
    if default_locale != locale:
        default = await indexes.get(session, brand_id, default_locale, version)
        allowed = default.t_published & ~np.isin(default.t_article, mine.published_articles)
        if allowed.any():
            ranked += _best(default, query_terms(query, default_locale)[:MAX_QUERY_TERMS], limit,
                            per_article, fallback=True, allowed=allowed)
    ranked.sort(key=_Candidate.key)
    if per_article:
        best: dict[int, _Candidate] = {}
        for candidate in ranked:
            best.setdefault(candidate.article_id, candidate)
        ranked = list(best.values())
    return ranked[:limit]


async def _hits(session: AsyncSession, chosen: list[_Candidate], snippet: int | None = None) -> list[Hit]:
    """The chosen candidates as hits, in their order, with their passages' text (or its first `snippet`
    characters, kept in memory up to SNIPPET)."""
    if not chosen:
        return []
    ids = [int(c.source.p_id[c.passage]) for c in chosen]
    if snippet is not None and snippet <= SNIPPET:
        text = {pid: c.source.p_snippet[c.passage][:snippet] for pid, c in zip(ids, chosen, strict=True)}
    else:
        text = dict((await session.execute(select(KbPassage.id, KbPassage.text).where(KbPassage.id.in_(ids)))).all())
    hits = []
    for c, pid in zip(chosen, ids, strict=True):
        translation_id = int(c.source.p_translation[c.passage])
        hits.append(Hit(article_id=c.article_id, translation_id=translation_id, slug=c.source.slug(c.article_id),
                        locale=c.source.locale, title=c.source.titles.get(translation_id, ""), heading=c.heading,
                        text=text.get(pid, ""), score=c.score, fallback=c.fallback))
    return hits


async def search(session: AsyncSession, brand_id: int, locale: str, query: str, limit: int = 10, *,
                 version: int | None = None) -> list[Hit]:
    """The best-matching published passages of a brand's knowledge base in `locale`, best first (articles
    not translated into `locale` are searched in the brand's default locale, `fallback=True`), as of the
    public `version` (read in the session when not given)."""
    return await _hits(session, await _ranked(session, brand_id, locale, query, limit, False, version))


async def search_articles(session: AsyncSession, brand_id: int, locale: str, query: str, limit: int = 20, *,
                          version: int | None = None, snippet: int | None = None,
                          default_locale: str | None = None) -> list[Hit]:
    """One hit per article (its best passage), best first; with `snippet`, each hit's text is only its first
    `snippet` characters (up to index.SNIPPET: read from memory). `default_locale`: the brand's, when the
    caller knows it."""
    return await _hits(session, await _ranked(session, brand_id, locale, query, limit, True, version,
                                              default_locale), snippet)
