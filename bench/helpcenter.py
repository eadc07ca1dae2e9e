"""Help-centre benchmark: article pages and search of a 5,000-page knowledge base, read-only traffic.

Run: .venv/bin/python bench/helpcenter.py [--postgres] [--articles 5000] [--seconds 15] [--requests 20000]
     [--concurrency 32] [--drawn-queries 300]   (starts everything itself; prints ONE JSON line)

It seeds, before the server starts, one brand in en, ru, pl, az and fi with the demo knowledge bases'
categories and `--articles` published article pages (a fifth of that many articles, each translated into
the 5 locales): every article recombines sections of the demo articles (croupier/demo/kb/*/articles/*/)
in each language, so the search index holds real words of every language. Seeding goes through the
knowledge-base service (create, save each translation, publish: the same versions, audit records and
search passages an editor's publishing makes), a batch of articles per transaction.

Then it starts Redis and `croupier serve` in production mode with 2 workers on the embedded SQLite (the
default: the help centre is read-only traffic; `--postgres` for a throwaway PostgreSQL with the durable
settings of bench/processes.py) and drives it over loopback with keep-alive virtual users:

1. article pages: GET /help/bench/{locale}/a/{slug} of random articles in random locales;
2. search: GET /help/bench/{locale}/search?q=... with 1-3 word queries in every locale, partly written
   by hand (other inflections than the articles use), partly words drawn from the articles' own text.

Each phase begins with a cold sweep: every page (every article in every locale; every distinct query
each user may send, in its locale) fetched once, in random order, by the 32 users. The help centre keeps
drawn pages (croupier/helpcenter/page_cache.py: in each process, and in Redis for the other process), so
the sweep is what readers meet right after a publish, every page drawn: `*_cold_*` figures. Then the
measured run (random pages or queries, uniformly: the steady state, bounded by `--requests` and
`--seconds`), then one user alone (at most 300 requests or 5 s): `*_alone_p50_ms` and `*_alone_p99_ms`
are what a request takes when it does not queue behind the other 31 (at concurrency C a closed loop's
mean latency is C / throughput, whatever the server does per request). `search_hits_ratio` is the share
of the search requests whose results page listed at least one article (every distinct query sent is
fetched once more after the phase; the knowledge base does not change meanwhile).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote_plus

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import uvloop  # noqa: E402
import yaml  # noqa: E402

from bench import loadgen, processes  # noqa: E402
from bench.ingest import prepare_backend  # noqa: E402
from bench.seed import settle  # noqa: E402
from croupier.brand.schemas import BrandIn  # noqa: E402
from croupier.brand.service import brand_service  # noqa: E402
from croupier.config import get_settings  # noqa: E402
from croupier.db import Database  # noqa: E402
from croupier.kb.analyzer import words  # noqa: E402
from croupier.kb.schemas import ArticleIn, CategoryIn  # noqa: E402
from croupier.kb.service import kb_service  # noqa: E402
from tests.servers import CroupierProcess, create_database, redis_server  # noqa: E402

WORKERS = 2
LOCALES = ("en", "ru", "pl", "az", "fi")
BRAND = "bench"
ARTICLES_PER_TRANSACTION = 50
SWEEP_SECONDS = 600.0  # the cold sweep's bound (it draws every page once: about a minute for 5,000)
ALONE_REQUESTS, ALONE_SECONDS = 300, 5.0  # one virtual user alone, after each phase
DEMO_KB = Path(__file__).resolve().parents[1] / "croupier" / "demo" / "kb"
RESULTS = b'<ol class="results">'  # search.html lists hits in it, and only when there are some
# Queries players type, in other inflections than the articles mostly use (the stemmers must meet them).
WRITTEN_QUERIES = {
    "en": ["withdrawal pending", "withdrawals", "verify my account", "free spins", "wagering bonus",
           "deposit declined", "self-exclusion", "forgot password", "game froze", "close my account",
           "payment methods", "documents rejected", "deposit limit", "account hacked", "complaint"],
    "ru": ["вывод средств", "выводы", "верификация аккаунта", "бесплатные вращения", "отыгрыш бонуса",
           "депозит отклонён", "самоисключение", "забыл пароль", "игра зависла", "закрыть аккаунт",
           "способы оплаты", "документы отклонили", "лимит депозита", "аккаунт взломали", "жалоба"],
    "pl": ["wypłata", "wypłaty pieniędzy", "weryfikacja konta", "darmowe spiny", "obrót bonusem",
           "wpłata odrzucona", "samowykluczenie", "zapomniałem hasła", "gra się zawiesiła", "zamknięcie konta",
           "metody płatności", "dokument odrzucony", "limit wpłat", "konto zhakowane", "reklamacja"],
    "az": ["pul çıxarışı", "çıxarışlar", "hesabın təsdiqlənməsi", "pulsuz fırlatmalar", "bonus mərc",
           "depozit rədd edildi", "özünüistisna", "şifrəni unutdum", "oyun dondu", "hesabı bağlamaq",
           "ödəniş üsulları", "sənəd rədd edildi", "depozit limiti", "hesab sındırılıb", "şikayət"],
    "fi": ["kotiutus", "kotiutukseni", "tilin vahvistaminen", "ilmaiskierrokset", "bonuksen kierrätys",
           "talletus hylättiin", "pelikielto", "unohdin salasanan", "peli jumittui", "tilin sulkeminen",
           "maksutavat", "asiakirja hylätty", "talletusraja", "tili hakkeroitu", "valitus"],
}
WRITTEN_SHARE = 0.3  # of the search requests; the rest are words drawn from the articles
DRAWN_QUERIES = 300  # per locale
_FENCE = re.compile(r"^---\n(.*?)\n---\n", re.S)


@dataclass
class Source:
    """A demo article in one locale: its title, the text before its first heading, its '## ' sections."""

    title: str
    intro: str
    sections: list[str]
    category: str | None = None


@dataclass
class Corpus:
    sources: list[dict[str, Source]]  # per demo article, {locale: Source}; every locale present
    categories: list[dict]  # categories.yaml entries (slug, names, descriptions)
    texts: dict[str, list[str]] = field(default_factory=dict)  # {locale: every paragraph}


def _parse(path: Path) -> Source:
    raw = path.read_text(encoding="utf-8")
    found = _FENCE.match(raw)
    meta = yaml.safe_load(found.group(1)) if found else {}
    body = raw[found.end():] if found else raw
    parts = re.split(r"(?m)^(?=## )", body.strip("\n"))
    intro = parts[0] if parts and not parts[0].startswith("## ") else ""
    sections = [p.strip("\n") for p in parts if p.startswith("## ")]
    return Source(str(meta.get("title", path.parent.name)), intro.strip("\n"), sections, meta.get("category"))


def load_corpus() -> Corpus:
    sources: list[dict[str, Source]] = []
    categories: dict[str, dict] = {}
    for brand in sorted(p for p in DEMO_KB.iterdir() if p.is_dir()):
        for entry in yaml.safe_load((brand / "categories.yaml").read_text(encoding="utf-8")) or []:
            if all(code in entry.get("names", {}) for code in LOCALES):
                categories.setdefault(entry["slug"], entry)
        for folder in sorted((brand / "articles").iterdir()):
            if all((folder / f"{code}.md").is_file() for code in LOCALES):
                parsed = {code: _parse(folder / f"{code}.md") for code in LOCALES}
                category = next((s.category for s in parsed.values() if s.category), None)
                for s in parsed.values():
                    s.category = category
                sources.append(parsed)
    texts = {code: [p for s in sources for p in [s[code].intro, *s[code].sections] if p] for code in LOCALES}
    return Corpus(sources, sorted(categories.values(), key=lambda c: c.get("position", 0)), texts)


def compose(corpus: Corpus, k: int) -> tuple[str, str | None, dict[str, tuple[str, str]]]:
    """Article k: (slug, category slug, {locale: (title, Markdown body)}), the same recombination of demo
    sections in every locale (so the five are translations of one another)."""
    rng = random.Random(k)
    count = len(corpus.sources)
    main = corpus.sources[k % count]
    extras = [(corpus.sources[j], rng.random()) for j in rng.sample(
        [j for j in range(count) if j != k % count], rng.randint(1, 3))]
    keep = [rng.random() < 0.7 for _ in range(64)]  # which of the main article's sections it keeps
    out = {}
    for code in LOCALES:
        chosen = [s for i, s in enumerate(main[code].sections) if i == 0 or keep[i % len(keep)]]
        added = [src[code].sections[int(pick * len(src[code].sections))] for src, pick in extras
                 if src[code].sections]
        heading = added[0].split("\n", 1)[0].removeprefix("## ").strip() if added else ""
        title = f"{main[code].title} — {heading}" if k >= count else main[code].title
        body = "\n\n".join(part for part in [main[code].intro, *chosen, *added] if part)
        out[code] = (title[:300], body)
    slug = re.sub(r"[^a-z0-9]+", "-", main["en"].title.lower()).strip("-")[:80] + f"-{k + 1}"
    return slug, main["en"].category, out


def queries(corpus: Corpus, per_locale: int = DRAWN_QUERIES) -> dict[str, list[str]]:
    """Per locale, `per_locale` queries of 1-3 words as they stand in a random paragraph."""
    rng = random.Random(4)
    out: dict[str, list[str]] = {}
    for code in LOCALES:
        drawn: list[str] = []
        while len(drawn) < per_locale:
            found = [w for w in words(rng.choice(corpus.texts[code]), code) if len(w) >= 4 and w.isalpha()]
            if found:
                n = rng.choice((1, 1, 2, 2, 3))
                start = rng.randrange(max(1, len(found) - n + 1))
                drawn.append(" ".join(found[start:start + n]))
        out[code] = drawn
    return out


async def seed(corpus: Corpus, articles: int) -> list[str]:
    """The brand, its categories and `articles` articles published in every locale; their slugs."""
    db = Database(get_settings())
    slugs: list[str] = []
    try:
        async with db.transaction() as session:
            brand = await brand_service.create(session, None, BrandIn(slug=BRAND, name="Bench Casino",
                                                                      locales=list(LOCALES), default_locale="en"))
            categories = {}
            for position, entry in enumerate(corpus.categories, 1):
                category = await kb_service.create_category(session, None, CategoryIn(
                    brand_id=brand.id, slug=entry["slug"], names=entry["names"], position=position,
                    descriptions=entry.get("descriptions") or {}), actor="bench")
                categories[entry["slug"]] = category.id
        for first in range(0, articles, ARTICLES_PER_TRANSACTION):
            async with db.transaction() as session:
                for k in range(first, min(articles, first + ARTICLES_PER_TRANSACTION)):
                    slug, category, texts = compose(corpus, k)
                    title, body = texts["en"]
                    article = await kb_service.create_article(session, None, ArticleIn(
                        brand_id=brand.id, slug=slug, locale="en", title=title, body=body, position=k,
                        category_id=categories.get(category or "")), actor="bench")
                    for code in LOCALES[1:]:
                        await kb_service.save_translation(session, None, article.id, code, *texts[code],
                                                          actor="bench")
                    for code in LOCALES:
                        await kb_service.publish(session, None, article.id, code, actor="bench")
                    slugs.append(slug)
            if first and first % 200 == 0:
                print(f"seeded {first} articles", file=sys.stderr)
        await settle(db)
    finally:
        await db.dispose()
    os.sync()
    return slugs


def _article_users(slugs: list[str], concurrency: int, salt: int) -> list:  # noqa: ANN001
    def user(n: int):  # noqa: ANN202
        rng = random.Random(salt * 1000 + n)

        def build(_i: int) -> loadgen.Request:
            return "GET", f"/help/{BRAND}/{rng.choice(LOCALES)}/a/{rng.choice(slugs)}", {}, b""
        return build
    return [user(n) for n in range(concurrency)]


def _search_users(drawn: dict[str, list[str]], concurrency: int, salt: int, sent: dict[tuple[str, str], int]
                  ) -> list:  # noqa: ANN001
    def user(n: int):  # noqa: ANN202
        rng = random.Random(salt * 1000 + n)

        def build(_i: int) -> loadgen.Request:
            code = rng.choice(LOCALES)
            q = rng.choice(WRITTEN_QUERIES[code] if rng.random() < WRITTEN_SHARE else drawn[code])
            sent[(code, q)] = sent.get((code, q), 0) + 1
            return "GET", f"/help/{BRAND}/{code}/search?q={quote_plus(q)}", {}, b""
        return build
    return [user(n) for n in range(concurrency)]


async def _hits_ratio(port: int, sent: dict[tuple[str, str], int]) -> tuple[float, dict[str, float]]:
    """Share of the sent search requests whose page listed an article (overall, and per locale)."""
    conn = loadgen.Connection("127.0.0.1", port)
    found: dict[tuple[str, str], bool] = {}
    try:
        for code, q in sent:
            status, body = await conn.request("GET", f"/help/{BRAND}/{code}/search?q={quote_plus(q)}")
            found[(code, q)] = status == 200 and RESULTS in body
    finally:
        conn.close()
    total = sum(sent.values())
    per = {code: round(sum(n for (c, q), n in sent.items() if c == code and found[(c, q)])
                       / max(1, sum(n for (c, _q), n in sent.items() if c == code)), 3) for code in LOCALES}
    return (round(sum(n for key, n in sent.items() if found[key]) / total, 3) if total else 0.0), per


def _sweep_users(paths: list[str], concurrency: int) -> list:  # noqa: ANN001
    """Users fetching every path once between them, in a random order."""
    queue = random.Random(7).sample(paths, len(paths))

    def build(_i: int) -> loadgen.Request:
        return "GET", queue.pop(), {}, b""
    return [build] * concurrency


async def _phase(port: int, name: str, every: list[str], users, args: argparse.Namespace  # noqa: ANN001
                 ) -> tuple[loadgen.Outcome, loadgen.Outcome, loadgen.Outcome]:
    """The cold sweep over `every` page, the measured run, then one user alone (the time a request takes
    without queueing): their outcomes; `users(salt)` makes the virtual users."""
    print(f"{name}: cold sweep of {len(every)} pages", file=sys.stderr)
    warm = await loadgen.drive("127.0.0.1", port, _sweep_users(every, args.concurrency), total=len(every),
                               seconds=SWEEP_SECONDS, ok=(200,))
    print(f"{name}: measuring", file=sys.stderr)
    out = await loadgen.drive("127.0.0.1", port, users(2), total=args.requests, seconds=args.seconds, ok=(200,))
    print(f"{name}: one user alone", file=sys.stderr)
    alone = await loadgen.drive("127.0.0.1", port, users(3)[:1], total=min(args.requests, ALONE_REQUESTS),
                                seconds=min(args.seconds, ALONE_SECONDS), ok=(200,))
    return warm, out, alone


async def _measure(port: int, slugs: list[str], drawn: dict[str, list[str]], args: argparse.Namespace
                   ) -> dict[str, object]:
    sent: dict[int, dict[tuple[str, str], int]] = {2: {}, 3: {}}  # per salt: measured, alone
    pages = [f"/help/{BRAND}/{code}/a/{slug}" for code in LOCALES for slug in slugs]
    runs = {"article": await _phase(port, "article", pages,
                                    lambda salt: _article_users(slugs, args.concurrency, salt), args)}
    searches = sorted({f"/help/{BRAND}/{code}/search?q={quote_plus(q)}" for code in LOCALES
                       for q in (*WRITTEN_QUERIES[code], *drawn[code])})
    runs["search"] = await _phase(port, "search", searches,
                                  lambda salt: _search_users(drawn, args.concurrency, salt, sent[salt]), args)
    result: dict[str, object] = {}
    statuses: dict[str, int] = {}
    for name, (warm, out, alone) in runs.items():
        summary, single, cold = (o.summary("requests_per_s") for o in (out, alone, warm))
        result.update({f"{name}_p50_ms": summary["p50_ms"], f"{name}_p95_ms": summary["p95_ms"],
                       f"{name}_p99_ms": summary["p99_ms"], f"{name}_requests_per_s": summary["requests_per_s"],
                       f"{name}_requests": out.ok, f"{name}_errors": out.errors,
                       f"{name}_seconds": round(out.seconds, 2), f"{name}_alone_p50_ms": single["p50_ms"],
                       f"{name}_alone_p99_ms": single["p99_ms"], f"{name}_alone_requests": alone.ok,
                       f"{name}_cold_p50_ms": cold["p50_ms"], f"{name}_cold_p99_ms": cold["p99_ms"],
                       f"{name}_cold_requests_per_s": cold["requests_per_s"], f"{name}_cold_requests": warm.ok})
        for status, n in [*warm.statuses.items(), *out.statuses.items(), *alone.statuses.items()]:
            statuses[str(status)] = statuses.get(str(status), 0) + n
    measured = [out for _warm, out, _alone in runs.values()]
    result["requests"] = sum(o.ok for o in measured)
    result["requests_per_s"] = round(result["requests"] / sum(o.seconds for o in measured), 1)
    result["errors"] = sum(o.errors for outcomes in runs.values() for o in outcomes)  # non-200 or broken, all runs
    result["statuses"] = statuses
    result["search_hits_ratio"], result["search_hits_ratio_by_locale"] = await _hits_ratio(port, sent[2])
    result["search_distinct_queries"] = len(sent[2])
    result["search_distinct_queries_swept"] = len(searches)
    return result


def run_backend(url: str, data_dir: Path, redis_url: str, args: argparse.Namespace) -> dict[str, object]:
    env = prepare_backend(url, data_dir, redis_url)
    corpus = load_corpus()
    started = time.perf_counter()
    slugs = asyncio.run(seed(corpus, args.articles // len(LOCALES)))
    seed_seconds = round(time.perf_counter() - started, 1)
    print(f"seeded {len(slugs)} articles x {len(LOCALES)} locales in {seed_seconds} s", file=sys.stderr)
    server = CroupierProcess(env, workers=WORKERS).start()
    try:
        assert server.proc is not None
        with processes.RssSampler(server.proc.pid) as rss:
            result = uvloop.run(_measure(server.port, slugs, queries(corpus, args.drawn_queries), args))
    finally:
        server.stop()
    result.update(peak_rss_mb=rss.peak_mb, seed_seconds=seed_seconds, article_pages=len(slugs) * len(LOCALES),
                  categories=len(corpus.categories), demo_sources=len(corpus.sources))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL instead of SQLite")
    parser.add_argument("--articles", type=int, default=5_000,
                        help="article pages in all (articles x 5 locales)")
    parser.add_argument("--seconds", type=float, default=15.0, help="each phase: at most this long")
    parser.add_argument("--requests", type=int, default=20_000, help="each phase: at most this many requests")
    parser.add_argument("--concurrency", type=int, default=32, help="virtual users")
    parser.add_argument("--drawn-queries", type=int, default=DRAWN_QUERIES,
                        help="search queries drawn from the articles' text, per locale")
    args = parser.parse_args()
    if args.articles < len(LOCALES):
        parser.error(f"--articles must be at least {len(LOCALES)}")
    started, load_before = time.perf_counter(), round(os.getloadavg()[0], 2)
    out: dict[str, object] = {"bench": "helpcenter", "backend": "postgres" if args.postgres else "sqlite",
                              "articles": args.articles // len(LOCALES) * len(LOCALES), "locales": list(LOCALES),
                              "workers": WORKERS, "concurrency": args.concurrency, "max_seconds": args.seconds,
                              "max_requests": args.requests}
    with tempfile.TemporaryDirectory(prefix="croupier-bench-") as tmp, redis_server() as redis_url:
        root = Path(tmp)
        if args.postgres:
            with processes.postgres() as pg:
                out.update(run_backend(create_database(pg, "croupier_bench"), root, redis_url, args))
        else:
            out.update(run_backend(f"sqlite+aiosqlite:///{root / 'croupier.db'}", root, redis_url, args))
    out["total_seconds"] = round(time.perf_counter() - started, 1)
    out["load_average_1m_before_after"] = [load_before, round(os.getloadavg()[0], 2)]  # others on the box?
    print(json.dumps(out, separators=(",", ":"), ensure_ascii=False))


if __name__ == "__main__":
    main()
