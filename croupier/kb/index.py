"""The search index in memory: for each (brand, locale) searched, every web process keeps the published
passages' places and their terms' postings as numpy arrays, so a search scores BM25 with a few array
operations; the first SNIPPET characters of each passage are kept too, so the help centre's results page
reads nothing else (the assistant's full passages are read by id). The same load keeps the locale's
catalogue (translations with their published version and title, articles' slugs, categories and order),
from which the help centre draws article pages (croupier/kb/public.py: `article_page`).

How an index is kept per process, refreshed and warmed: croupier/kb/index_cache.py."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from sqlalchemy import Select, case, func, literal, select

from croupier.models import Article, ArticleStatus, ArticleTranslation, KbCategory, KbPassage

log = logging.getLogger(__name__)
K1, B = 1.2, 0.75  # BM25's usual term-saturation and length-normalisation constants
CHUNK = 2_000  # passages per query (the loop serves other requests between them)
SNIPPET = 240  # characters of each passage's text kept (the help centre's search results show fewer)
REBUILD_SHARE = 4  # more than 1/4 of the translations changed: load the whole locale again

Rows = Callable[[Select[Any]], Awaitable[Sequence[Any]]]
State = tuple[bool, int | None, object]  # a translation's (published, published version, published at)


@dataclass(eq=False)
class LocaleIndex:
    """The published passages of one (brand, locale) and their terms' postings."""

    locale: str
    version: int
    catalogue: Catalogue  # its translations' states: what their passages were loaded at
    titles: dict[int, str]  # {translation id: title of the published version}
    # per passage (index p), in the order loaded
    p_id: np.ndarray  # int64
    p_translation: np.ndarray  # int64
    p_position: np.ndarray  # int32
    p_length: np.ndarray  # float64
    p_heading: list[str]
    p_snippet: list[str]  # the first SNIPPET characters of the text
    # postings grouped by term: those of term i are [offsets[i], offsets[i + 1])
    vocab: dict[str, int]
    offsets: np.ndarray  # int64
    post_p: np.ndarray  # int32 passage indices
    post_tf: np.ndarray  # int32
    # derived
    t_ids: np.ndarray  # int64 translation ids having passages, sorted
    p_t: np.ndarray  # int32 index into t_ids per passage
    p_article: np.ndarray  # int64
    p_heading_rank: np.ndarray  # int32: the headings' order as strings
    t_first_body: np.ndarray  # int32: each translation's first section (position 1), or -1
    t_article: np.ndarray  # int64
    t_published: np.ndarray  # bool
    published_articles: np.ndarray  # int64, sorted: the articles published in this locale
    avgdl: float
    nbytes: int
    # the catalogue, for the article pages: {slug: article id}, {article id: its published translation id},
    # {category id: the articles published in this locale, in the category's order}
    by_slug: dict[str, int]
    published: dict[int, int]
    by_category: dict[int | None, list[int]]

    @property
    def n(self) -> int:
        return len(self.p_id)

    @property
    def states(self) -> dict[int, State]:
        return self.catalogue.states

    @property
    def article_of(self) -> dict[int, int]:
        return self.catalogue.article_of

    def slug(self, article_id: int) -> str:
        return self.catalogue.articles[article_id][0]

    def order(self, article_id: int) -> tuple[int, str, int]:
        """An article's place in its category's list."""
        slug, _category, position = self.catalogue.articles[article_id]
        return position, slug, article_id

    def scores(self, wanted: list[str], allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(passage indices, scores rounded to 4 places) of the would-be hits: a body passage scores its own
        BM25 plus its title's; a translation matched by its title alone is represented by its first section.
        `allowed`: a mask over t_ids (the fallback locale's untranslated articles)."""
        spans = [(int(self.offsets[i]), int(self.offsets[i + 1])) for i in
                 (self.vocab.get(term) for term in wanted) if i is not None]
        spans = [(a, b) for a, b in spans if b > a]
        if not spans or not self.n:
            return np.empty(0, np.int64), np.empty(0)
        idx = np.concatenate([self.post_p[a:b] for a, b in spans])
        tf = np.concatenate([self.post_tf[a:b] for a, b in spans]).astype(np.float64)
        df = np.array([b - a for a, b in spans], dtype=np.float64)
        idf = np.repeat(np.log(1 + (self.n - df + 0.5) / (df + 0.5)), [b - a for a, b in spans])
        contribution = idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * self.p_length[idx] / self.avgdl))
        score = np.bincount(idx, weights=contribution, minlength=self.n)
        hit = np.zeros(self.n, bool)
        hit[idx] = True
        matched = np.flatnonzero(hit)
        t = self.p_t[matched]
        if allowed is not None:
            keep = allowed[t]
            matched, t = matched[keep], t[keep]
        title = self.p_position[matched] == 0
        title_score = np.zeros(len(self.t_ids))
        has_title = np.zeros(len(self.t_ids), bool)
        title_score[t[title]] = score[matched[title]]
        has_title[t[title]] = True
        body, body_t = matched[~title], t[~title]
        has_body = np.zeros(len(self.t_ids), bool)
        has_body[body_t] = True
        title_only = np.flatnonzero(has_title & ~has_body)
        firsts = self.t_first_body[title_only]
        shown = firsts >= 0
        passages = np.concatenate([body, firsts[shown]])
        total = np.concatenate([score[body] + title_score[body_t], title_score[title_only[shown]]])
        return passages, np.round(total, 4)

    def best(self, passages: np.ndarray, scores: np.ndarray, limit: int, per_article: bool) -> list[int]:
        """Positions in `passages` of the best `limit`, best first (score, then article id, heading and
        position); `per_article` keeps each article's best only."""
        if not len(passages):
            return []
        article = self.p_article[passages]
        order = np.lexsort((self.p_position[passages], self.p_heading_rank[passages], article, -scores))
        if per_article:
            _, first = np.unique(article[order], return_index=True)
            order = order[np.sort(first)]
        return [int(i) for i in order[:limit]]


class _Loaded:
    """Passages as read from the database, before they become arrays."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.translation: list[int] = []
        self.position: list[int] = []
        self.heading: list[str] = []
        self.snippet: list[str] = []
        self.length: list[int] = []
        self.terms: list[str] = []
        self.titles: dict[int, str] = {}

    def add(self, rows: Sequence[Any], states: dict[int, State]) -> None:
        for pid, tid, position, heading, length, terms, title, snippet in rows:
            if tid not in states:  # published after the translations were read: the next refresh loads it
                continue
            self.ids.append(pid)
            self.translation.append(tid)
            self.position.append(position)
            self.heading.append(heading)
            self.snippet.append(snippet)
            self.length.append(length)
            self.terms.append(terms)
            if position == 0:
                self.titles[tid] = title


def _passages(brand_id: int, locale: str) -> Select[Any]:
    return (select(KbPassage.id, KbPassage.translation_id, KbPassage.position, KbPassage.heading, KbPassage.length,
                   KbPassage.terms, case((KbPassage.position == 0, KbPassage.text), else_=literal("")),
                   func.substr(KbPassage.text, 1, SNIPPET))
            .where(KbPassage.brand_id == brand_id, KbPassage.locale == locale).order_by(KbPassage.id))


class Category(NamedTuple):
    """A category as the help centre shows it."""

    id: int
    slug: str
    position: int
    names: dict[str, str]
    descriptions: dict[str, str]


@dataclass(eq=False)
class Catalogue:
    """A locale's translations and their articles (published or not), and the brand's categories."""

    states: dict[int, State] = field(default_factory=dict)  # {translation id: its state}
    article_of: dict[int, int] = field(default_factory=dict)  # {translation id: article id}
    articles: dict[int, tuple[str, int | None, int]] = field(default_factory=dict)  # {id: (slug, category, position)}
    categories: dict[int, Category] = field(default_factory=dict)


async def _catalogue(rows: Rows, brand_id: int, locale: str) -> Catalogue:
    out = Catalogue()
    for tid, article_id, status, number, at, slug, category_id, position in await rows(
            select(ArticleTranslation.id, ArticleTranslation.article_id, ArticleTranslation.status,
                   ArticleTranslation.published_version, ArticleTranslation.published_at, Article.slug,
                   Article.category_id, Article.position)
            .join(Article, Article.id == ArticleTranslation.article_id)
            .where(ArticleTranslation.brand_id == brand_id, ArticleTranslation.locale == locale)):
        out.states[tid] = (status == ArticleStatus.published, number, at)
        out.article_of[tid] = article_id
        out.articles[article_id] = (slug, category_id, position)
    out.categories = {row[0]: Category(*row) for row in await rows(
        select(KbCategory.id, KbCategory.slug, KbCategory.position, KbCategory.names, KbCategory.descriptions)
        .where(KbCategory.brand_id == brand_id))}
    return out


def _postings(terms: list[str], vocab: dict[str, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(term ids, row indices, counts) of the passages' "term count term count" strings."""
    pairs = np.fromiter(((s.count(" ") + 1) // 2 if s else 0 for s in terms), np.int64, len(terms))
    tokens = " ".join(terms).split()
    names = tokens[0::2]
    counts = np.fromiter(map(int, tokens[1::2]), np.int32, len(names))
    ids = np.fromiter([vocab.setdefault(name, len(vocab)) for name in names], np.int32, len(names))
    return ids, np.repeat(np.arange(len(terms), dtype=np.int32), pairs), counts


def _assemble(locale: str, version: int, catalogue: Catalogue, titles: dict[int, str], p: dict[str, Any],
              vocab: dict[str, int], term_ids: np.ndarray, post_p: np.ndarray, post_tf: np.ndarray) -> LocaleIndex:
    states, article_of = catalogue.states, catalogue.article_of
    order = np.argsort(term_ids, kind="stable")
    offsets = np.zeros(len(vocab) + 1, np.int64)
    np.cumsum(np.bincount(term_ids, minlength=len(vocab)), out=offsets[1:])
    post_p, post_tf = post_p[order].astype(np.int32), post_tf[order].astype(np.int32)
    t_ids, p_t = np.unique(p["translation"], return_inverse=True)
    p_t = p_t.astype(np.int32)
    t_article = np.array([article_of[int(t)] for t in t_ids], np.int64)
    p_article = t_article[p_t]
    first_body = np.full(len(t_ids), -1, np.int32)
    sections = np.flatnonzero(p["position"] == 1)
    first_body[p_t[sections]] = sections
    ranks = {h: r for r, h in enumerate(sorted(set(p["heading"])))}
    heading_rank = np.fromiter((ranks[h] for h in p["heading"]), np.int32, len(p["heading"]))
    published = np.array([states[int(t)][0] for t in t_ids], bool)
    lengths = p["length"]
    published_articles = np.array(sorted(article_of[t] for t, state in states.items() if state[0]), np.int64)
    arrays = (p["id"], p["translation"], p["position"], lengths, offsets, post_p, post_tf, t_ids, p_t, p_article,
              heading_rank, first_body, published, t_article, published_articles)
    size = sum(a.nbytes for a in arrays) + sum(len(h) + 60 for h in p["heading"]) + \
        sum(len(t) * 2 + 60 for t in p["snippet"]) + \
        sum(len(t) * 2 + 60 for t in titles.values()) + len(vocab) * 120 + len(states) * 600
    return LocaleIndex(
        locale=locale, version=version, catalogue=catalogue, titles=titles, **_listing(catalogue),
        p_id=p["id"], p_translation=p["translation"], p_position=p["position"], p_length=lengths,
        p_heading=p["heading"], p_snippet=p["snippet"], vocab=vocab, offsets=offsets, post_p=post_p, post_tf=post_tf, t_ids=t_ids, p_t=p_t,
        p_article=p_article, p_heading_rank=heading_rank, t_first_body=first_body, t_article=t_article,
        t_published=published, published_articles=published_articles,
        avgdl=float(lengths.mean()) if len(lengths) else 1.0, nbytes=size)


def _listing(catalogue: Catalogue) -> dict[str, Any]:
    """The catalogue's lookups for the article pages (LocaleIndex.by_slug, published, by_category)."""
    published = {catalogue.article_of[t]: t for t, state in catalogue.states.items() if state[0]}
    by_category: dict[int | None, list[int]] = {}
    for article_id in published:
        by_category.setdefault(catalogue.articles[article_id][1], []).append(article_id)
    for listed in by_category.values():
        listed.sort(key=lambda a: (catalogue.articles[a][2], catalogue.articles[a][0], a))
    return {"by_slug": {slug: a for a, (slug, _c, _p) in catalogue.articles.items()}, "published": published,
            "by_category": by_category}


def _arrays(loaded: _Loaded) -> dict[str, Any]:
    return {"id": np.array(loaded.ids, np.int64), "translation": np.array(loaded.translation, np.int64),
            "position": np.array(loaded.position, np.int32), "length": np.array(loaded.length, np.float64),
            "heading": loaded.heading, "snippet": loaded.snippet}


async def load(rows: Rows, brand_id: int, locale: str, version: int) -> LocaleIndex:
    """The whole index of (brand, locale), read with `rows`."""
    catalogue = await _catalogue(rows, brand_id, locale)
    loaded = _Loaded()
    last = 0
    while True:
        chunk = await rows(_passages(brand_id, locale).where(KbPassage.id > last).limit(CHUNK))
        loaded.add(chunk, catalogue.states)
        if len(chunk) < CHUNK:
            break
        last = chunk[-1][0]
    vocab: dict[str, int] = {}
    term_ids, post_p, post_tf = _postings(loaded.terms, vocab)
    return _assemble(locale, version, catalogue, loaded.titles, _arrays(loaded), vocab, term_ids, post_p, post_tf)


async def refresh(rows: Rows, old: LocaleIndex, brand_id: int, locale: str, version: int) -> LocaleIndex:
    """`old` brought to the current data: only the passages of translations whose state changed are read."""
    catalogue = await _catalogue(rows, brand_id, locale)
    states = catalogue.states
    changed = {t for t in states.keys() | old.states.keys() if states.get(t) != old.states.get(t)}
    if len(changed) > max(16, len(states) // REBUILD_SHARE):
        return await load(rows, brand_id, locale, version)
    if not changed and old.catalogue.article_of == catalogue.article_of:  # (slugs, categories and order may differ)
        return dataclasses.replace(old, version=version, catalogue=catalogue, **_listing(catalogue))
    loaded = _Loaded()
    wanted = sorted(changed & states.keys())
    for start in range(0, len(wanted), 500):
        loaded.add(await rows(_passages(brand_id, locale).where(
            KbPassage.translation_id.in_(wanted[start:start + 500]))), states)
    keep = ~np.isin(old.p_translation, np.array(sorted(changed), np.int64)) if changed else np.ones(old.n, bool)
    total = await rows(select(func.count()).select_from(KbPassage).where(KbPassage.brand_id == brand_id,
                                                                          KbPassage.locale == locale))
    if int(keep.sum()) + len(loaded.ids) != total[0][0]:
        log.warning("search index of brand %s in %s out of step: loaded again", brand_id, locale)
        return await load(rows, brand_id, locale, version)
    new = _arrays(loaded)
    kept = np.flatnonzero(keep)
    p = {name: np.concatenate([getattr(old, f"p_{name}")[kept], new[name]]) for name in
         ("id", "translation", "position", "length")}
    p["heading"] = [old.p_heading[i] for i in kept] + new["heading"]
    p["snippet"] = [old.p_snippet[i] for i in kept] + new["snippet"]
    remap = np.full(old.n, -1, np.int64)
    remap[kept] = np.arange(len(kept))
    old_terms = np.repeat(np.arange(len(old.vocab), dtype=np.int32), np.diff(old.offsets))
    still = keep[old.post_p]
    vocab = dict(old.vocab)
    term_ids, rows_new, tf_new = _postings(loaded.terms, vocab)
    titles = {t: title for t, title in old.titles.items() if t not in changed} | loaded.titles
    return _assemble(locale, version, catalogue, titles, p, vocab,
                     np.concatenate([old_terms[still], term_ids]),
                     np.concatenate([remap[old.post_p[still]], rows_new.astype(np.int64) + len(kept)]),
                     np.concatenate([old.post_tf[still], tf_new]))
