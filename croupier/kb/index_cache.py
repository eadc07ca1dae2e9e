"""This process's search indexes (croupier/kb/index.py), per database engine and (brand, locale).

An index is stamped with the public version (croupier/models/public.py) read before it was loaded; when a
reader's version is newer, the index is refreshed: the locale's translations (status, published version and
time) and the brand's categories are read again, and the passages of only the translations that changed
(about 25 ms after a publish, 10 ms after any other change, for 1,000 pages). A session with changes of
its own not yet committed (an editor publishing and searching in one transaction) gets an index loaded from
that session, used once and not kept.

Memory: about 8 bytes per (passage, distinct term), plus headings, snippets, titles and the catalogue:
6.5 MB per 1,000 article pages (32 MB for the help-centre benchmark's 5,000, measured with tracemalloc);
indexes beyond MAX_BYTES per process leave, least recently used first. Loading takes about 0.2 s per
1,000 pages: the help centre warms a brand's indexes in the background on its first page drawn or
taken from Redis (`warm`, on a connection of its own), and readers wait for the load under way rather
than loading the same index again."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.brand.schemas import BrandOut
from croupier.db import Database
from croupier.kb.index import LocaleIndex, Rows, load, refresh
from croupier.kb.repository import brand_with_webchat
from croupier.models import public as public_version
from croupier.models.public import PublicVersion

log = logging.getLogger(__name__)
MAX_BYTES = 128 * 1024 * 1024  # the indexes one process keeps


def _session_rows(session: AsyncSession) -> Rows:
    async def rows(statement: Select[Any]) -> Sequence[Any]:
        return (await session.execute(statement)).all()
    return rows


async def public_version_of(session: AsyncSession) -> int:
    return await session.scalar(select(PublicVersion.version).where(PublicVersion.id == 1)) or 0


@dataclass(frozen=True)
class PublicChannel:
    """What the help centre shows of a brand's web chat channel (the widget's key)."""

    key: str
    is_active: bool


class IndexCache:
    """This process's indexes, per database engine, (brand, locale), least recently used out first."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self.entries: OrderedDict[tuple[int, int, str], LocaleIndex] = OrderedDict()
        self.size = 0
        self.loads = self.refreshes = 0
        self._engines: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()
        self._serials = itertools.count(1)
        self._loading: dict[tuple[int, int, str], asyncio.Future[LocaleIndex]] = {}
        # {(engine, slug): (public version, brand, web chat channel)}: existing brands only, so bounded
        self.brands: dict[tuple[int, str], tuple[int, BrandOut, PublicChannel | None]] = {}
        self._warming: set[tuple[int, int]] = set()
        self._warming_slugs: set[tuple[int, str]] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    def _engine(self, engine: Any) -> int:
        serial = self._engines.get(engine)
        if serial is None:
            serial = self._engines[engine] = next(self._serials)
        return serial

    async def get(self, session: AsyncSession, brand_id: int, locale: str, version: int | None = None
                  ) -> LocaleIndex:
        """The index of (brand, locale) as of the session's view of the public version (`version`, when the
        caller has just read it)."""
        version = await public_version_of(session) if version is None else version
        rows = _session_rows(session)
        if public_version.changed_in(session.sync_session):  # its own changes: an index for this session only
            return await load(rows, brand_id, locale, version)
        return await self._current((self._engine(session.bind.sync_engine), brand_id, locale), rows, version)

    async def brand(self, session: AsyncSession, slug: str, version: int
                    ) -> tuple[BrandOut | None, PublicChannel | None]:
        """A brand by its slug and its web chat channel as of the public `version` (read once per version)."""
        key = (self._engine(session.bind.sync_engine), slug)
        kept = self.brands.get(key)
        if kept is not None and kept[0] >= version:
            return kept[1], kept[2]
        brand, channel = await brand_with_webchat(session, slug)
        if brand is None:
            return None, None
        shown = BrandOut.model_validate(brand)  # (a copy: the session's objects do not outlive it)
        chat = PublicChannel(channel.key, channel.is_active) if channel is not None else None
        self.brands[key] = (version, shown, chat)
        return shown, chat

    async def _current(self, key: tuple[int, int, str], rows: Rows, version: int) -> LocaleIndex:
        """The kept index if it is current, else the one being loaded (by a search or the warm-up, each on a
        connection of its own: waiting for it never holds up its loader), else loaded or refreshed here."""
        while True:
            found = self._fresh(key, version)
            if found is not None:
                return found
            pending = self._loading.get(key)
            if pending is None:
                break
            with contextlib.suppress(Exception):  # (its loader failed: load it here)
                await asyncio.shield(pending)
            if self._loading.get(key) is pending:
                break
        loading = self._loading[key] = asyncio.get_running_loop().create_future()
        try:
            old = self.entries.get(key)
            if old is None:
                self.loads += 1
                fresh = await load(rows, key[1], key[2], version)
            else:
                self.refreshes += 1
                fresh = await refresh(rows, old, key[1], key[2], version)
            self._keep(key, fresh)
            loading.set_result(fresh)
            return fresh
        except BaseException as e:
            loading.set_exception(e if isinstance(e, Exception) else RuntimeError("cancelled"))
            loading.exception()  # (retrieved: nobody need wait for it)
            raise
        finally:
            if self._loading.get(key) is loading:
                del self._loading[key]

    def _fresh(self, key: tuple[int, int, str], version: int) -> LocaleIndex | None:
        found = self.entries.get(key)
        if found is not None and found.version >= version:
            self.entries.move_to_end(key)
            return found
        return None

    def _keep(self, key: tuple[int, int, str], index: LocaleIndex) -> None:
        old = self.entries.get(key)
        if old is not None:
            if old.version > index.version:
                return
            self.size -= self.entries.pop(key).nbytes
        if index.nbytes > self.max_bytes:
            return  # (loaded again for each search: SQL-free, only slower)
        self.entries[key] = index
        self.size += index.nbytes
        while self.size > self.max_bytes:
            _key, gone = self.entries.popitem(last=False)
            self.size -= gone.nbytes

    def warm(self, db: Database, brand_id: int, locales: Sequence[str]) -> None:
        """Load a brand's indexes in the background, once per process (readers then find them ready)."""
        key = (self._engine(db.engine.sync_engine), brand_id)
        if key in self._warming:
            return
        self._warming.add(key)
        task = asyncio.get_running_loop().create_task(self._warm(db, key, brand_id, tuple(dict.fromkeys(locales))))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def warm_slug(self, db: Database, slug: str) -> None:
        """`warm` for the brand at this help-centre address (a process answering its pages from the other
        processes' copies draws none; call it for addresses that answered, so existing brands only)."""
        key = (self._engine(db.engine.sync_engine), slug)
        if key in self._warming_slugs:
            return
        self._warming_slugs.add(key)

        async def find() -> None:
            async with db.read() as session:
                brand, _channel = await brand_with_webchat(session, slug)
                if brand is not None:
                    self.warm(db, brand.id, list(brand.locales))

        task = asyncio.get_running_loop().create_task(find())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _warm(self, db: Database, key: tuple[int, int], brand_id: int, locales: tuple[str, ...]) -> None:
        # A connection of its own (an SQLite process has one otherwise, held by each request in turn): a
        # search waiting for this load does not hold what the load needs.
        own = Database(db.settings)
        try:
            for locale in locales:
                async with own.read() as session:
                    await self._current((key[0], brand_id, locale), _session_rows(session),
                                        await public_version_of(session))
        except Exception:  # noqa: BLE001 - searches load what is missing themselves
            log.warning("warming the search index of brand %s failed", brand_id, exc_info=True)
            self._warming.discard(key)
        finally:
            await own.dispose()


indexes = IndexCache()
