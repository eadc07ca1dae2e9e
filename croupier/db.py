"""Engine, sessions and the transaction boundary.

Services never commit. The boundary (a request, a job, a CLI command) opens a session
with `transaction()`, commits or rolls back, and only after a successful commit
releases what the services queued with `on_commit()` (live events, job wake-ups).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from croupier.config import Settings

AfterCommit = Callable[[], Awaitable[None] | None]


READ_ONLY = "croupier_read_only"  # execution option: begin the transaction without a write lock


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(settings: Settings) -> AsyncEngine:
    url = settings.effective_database_url
    if is_sqlite(url):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        # One connection per process. Every transaction starts with BEGIN IMMEDIATE, so SQLite runs them one
        # at a time anyway: waiting for the pool's connection is a FIFO queue, where a second connection
        # would wait in SQLite's busy handler, which sleeps and polls (seconds of tail latency under load).
        engine = create_async_engine(url, connect_args={"timeout": 30}, pool_size=1, max_overflow=0)
        _sqlite_pragmas(engine)
        return engine
    return create_async_engine(url, pool_size=settings.db_pool_size, max_overflow=settings.db_pool_size,
                               pool_pre_ping=False)


def _sqlite_pragmas(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _connect(dbapi_conn, _record):  # noqa: ANN001
        # The driver must not open transactions itself: we issue BEGIN IMMEDIATE below,
        # so a read-then-write transaction never fails with "database is locked".
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit is on disk before it is acknowledged, even across a power cut (NORMAL in WAL mode
        # survives a crashed process but may lose the last commits when the machine goes down).
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(sync_engine, "begin")
    def _begin(conn):  # noqa: ANN001
        # A read (Database.read) takes no write lock, so the other process's reads and writes go on meanwhile.
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")


class Database:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = make_engine(settings)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=False)

    async def open_pool(self, connections: int) -> None:
        """Open this many pooled connections now (PostgreSQL; a new connection costs a server process and a
        handshake), so that a busy first second does not wait for them."""
        if self.sqlite:
            return
        all_open = asyncio.Event()
        opened = 0

        async def hold() -> None:
            nonlocal opened
            async with self.engine.connect() as conn:
                await conn.exec_driver_sql("SELECT 1")
                opened += 1
                if opened == connections:
                    all_open.set()
                await all_open.wait()  # each held until all are open, so that the pool keeps them all

        await asyncio.wait_for(asyncio.gather(*(hold() for _ in range(connections))), 30)

    @property
    def sqlite(self) -> bool:
        return is_sqlite(self.settings.effective_database_url)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        session = self.sessions()
        try:
            yield session
            await session.commit()
            callbacks = session.info.pop("on_commit", [])
        except BaseException:
            session.info.pop("on_commit", None)
            await session.rollback()
            raise
        finally:
            await session.close()
        for callback in callbacks:
            result = callback()
            if result is not None:
                await result

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A transaction that only reads (public pages): on SQLite it begins DEFERRED, taking no write lock;
        it is rolled back at the end, and anything added or changed in it is an error, never written."""
        session = self.sessions()
        try:
            await session.connection(execution_options={READ_ONLY: True})
            yield session
            if session.new or session.dirty or session.deleted:
                raise RuntimeError("a read-only transaction changed data")
        finally:
            await session.rollback()
            await session.close()

    async def dispose(self) -> None:
        await self.engine.dispose()


def on_commit(session: AsyncSession, callback: AfterCommit) -> None:
    """Run `callback` once the session's transaction has committed; drop it on rollback."""
    session.info.setdefault("on_commit", []).append(callback)
