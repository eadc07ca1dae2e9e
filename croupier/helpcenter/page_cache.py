"""The help centre's page cache: each web process keeps the pages it has drawn (home, categories, articles,
search results, contact, sitemap) and answers a repeated GET from memory while the public version
(croupier/models/public.py) is the one the page was drawn at; any publish, edit, category, contact or brand
change raises the version in its own transaction, and the next request draws afresh.

The version is read from the database at most every `help_cache_check_ms` (so another process's change
shows there within that time; a change made in this process shows at once). A page is kept only when it
answered 200 without setting a cookie; pages carry an ETag, and a reader's `If-None-Match` gets a 304. The
cache holds at most `help_cache_mb` per process, least recently used pages leaving first.

With Redis configured (several web processes), a page one process draws is also kept there under its
version for SHARED_TTL seconds (SHARED_QUERY_TTL for an address with a query string, such as a search:
anyone can make up new ones, so what Redis holds of them stays bounded by what the workers can draw in
that time), so the others take it from Redis rather than each drawing it again; its
key also names the build (release, templates, static files, translations, base URL), so after an upgrade or a change
of address no worker serves a page drawn by the old one. Redis failing only means pages are drawn: a
reader never sees an error for it.

It is ASGI middleware installed inside the app's other middleware (security headers, body limit), so a
page from memory gets the same headers as one just drawn."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any, NamedTuple

import orjson
from sqlalchemy import select

from croupier import __version__
from croupier.config import get_settings
from croupier.db import Database
from croupier.kb.index_cache import indexes
from croupier.models import public
from croupier.models.public import PublicVersion

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
PREFIX, STATIC = "/help/", "/help/static/"
MAX_PAGE_BYTES = 2 * 1024 * 1024
SHARED_TTL, SHARED_QUERY_TTL = 3600, 60
# The scope key telling the page drawn the public version it is kept under (the routes draw it from the
# in-memory catalogue as of that version, without reading it again).
PUBLIC_VERSION = "croupier.public_version"


@functools.cache
def build() -> str:
    """What, besides the data, draws a page here: the release, the templates, static files and
    translations, the address."""
    digest = hashlib.blake2b(f"{__version__}\n{get_settings().base_url}".encode(), digest_size=8)
    files = [*(HERE / "templates").iterdir(), *(HERE / "static").iterdir(), *(HERE.parent / "locales").iterdir()]
    for path in sorted(p for p in files if p.is_file()):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


class Page(NamedTuple):
    version: int
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes


class HelpPageCache:
    def __init__(self, app: Any, max_bytes: int, check_seconds: float) -> None:
        self.app, self.max_bytes, self.check_seconds = app, max_bytes, check_seconds
        self.pages: OrderedDict[tuple[str, bytes], Page] = OrderedDict()
        self.size = 0
        self.version: int | None = None
        self.checked_at = 0.0
        self.seen_local_change = 0
        self.lock = asyncio.Lock()
        self.hits = self.shared_hits = self.misses = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if (scope["type"] != "http" or self.max_bytes <= 0 or scope["method"] != "GET"
                or not scope["path"].startswith(PREFIX) or scope["path"].startswith(STATIC)):
            return await self.app(scope, receive, send)
        version = await self._version(scope["app"].state.db)
        key = (scope["path"], scope["query_string"])
        page = self.pages.get(key)
        if page is not None and page.version == version:
            self.hits += 1
            self.pages.move_to_end(key)
            return await _answer(page, scope, send)
        shared = f"croupier:page:{build()}:{version}:{key[0]}?{key[1].decode('latin-1')}"
        redis = getattr(scope["app"].state, "redis", None)  # (the app's client: see app.py)
        page = await self._shared_get(redis, shared, version)
        if page is not None:
            self.shared_hits += 1
            self._keep(key, page)
            if page.status == 200:  # (this process draws nothing for the brand: its search indexes are loaded now)
                indexes.warm_slug(scope["app"].state.db, scope["path"].split("/")[2])
            return await _answer(page, scope, send)
        self.misses += 1
        page = await self._draw({**scope, PUBLIC_VERSION: version}, receive, version)
        if page.status == 200 and len(page.body) <= MAX_PAGE_BYTES and \
                not any(name == b"set-cookie" for name, _ in page.headers):
            self._keep(key, page)
            await self._shared_put(redis, shared, page, SHARED_QUERY_TTL if key[1] else SHARED_TTL)
        await _answer(page, scope, send)

    async def _shared_get(self, redis: Any, key: str, version: int) -> Page | None:
        if redis is None:
            return None
        try:
            value = await redis.get(key)
        except Exception:  # noqa: BLE001 - Redis down: draw the page
            log.warning("help centre page cache: Redis read failed", exc_info=True)
            return None
        if value is None:
            return None
        head, _, body = value.partition(b"\n")
        status, headers = orjson.loads(head)
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]
        return Page(version, status, headers, body, dict(headers)[b"etag"])

    async def _shared_put(self, redis: Any, key: str, page: Page, ttl: int) -> None:
        if redis is None:
            return
        head = orjson.dumps([page.status, [(k.decode("latin-1"), v.decode("latin-1")) for k, v in page.headers]])
        try:
            await redis.set(key, head + b"\n" + page.body, ex=ttl)
        except Exception:  # noqa: BLE001
            log.warning("help centre page cache: Redis write failed", exc_info=True)

    async def _draw(self, scope: dict[str, Any], receive: Any, version: int) -> Page:
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def collect(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, collect)
        body = b"".join(chunks)
        etag = b'"' + hashlib.blake2b(body, digest_size=10).hexdigest().encode() + b'"'
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"etag"] + [(b"etag", etag)]
        return Page(version, start.get("status", 500), headers, body, etag)

    def _keep(self, key: tuple[str, bytes], page: Page) -> None:
        old = self.pages.pop(key, None)
        if old is not None:
            self.size -= len(old.body)
        self.pages[key] = page
        self.size += len(page.body)
        while self.size > self.max_bytes and self.pages:
            self.size -= len(self.pages.popitem(last=False)[1].body)

    async def _version(self, db: Database) -> int:
        """The public version, read again when `check_seconds` have passed or this process changed it."""
        while True:
            local = public.last_local_change
            fresh = local == self.seen_local_change
            if self.version is not None and fresh and (
                    time.monotonic() - self.checked_at < self.check_seconds or self.lock.locked()):
                return self.version  # (while another request reads it, the one known is as good)
            async with self.lock:
                if local != public.last_local_change:
                    continue
                async with db.read() as session:
                    version = await session.scalar(select(PublicVersion.version).where(PublicVersion.id == 1)) or 0
                if version != self.version:
                    self.pages.clear()
                    self.size = 0
                self.version, self.checked_at, self.seen_local_change = version, time.monotonic(), local
                return version


async def _answer(page: Page, scope: dict[str, Any], send: Any) -> None:
    wanted = dict(scope["headers"]).get(b"if-none-match")
    if page.status == 200 and wanted is not None and page.etag in [t.strip() for t in wanted.split(b",")]:
        headers = [(k, v) for k, v in page.headers if k.lower() in (b"etag", b"cache-control", b"vary")]
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    await send({"type": "http.response.start", "status": page.status, "headers": page.headers})
    await send({"type": "http.response.body", "body": page.body})
