"""Database.read: the transaction public pages use — it changes nothing, and on SQLite takes no write lock."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import func, select

from croupier.db import is_sqlite
from croupier.models import Brand
from tests.conftest import BACKEND
from tests.factories import make_brand


async def test_a_read_sees_committed_data_and_cannot_write(db):
    brand, _ = await make_brand(db)
    async with db.read() as s:
        assert (await s.get(Brand, brand.id)).slug == brand.slug
    with pytest.raises(RuntimeError, match="read-only"):
        async with db.read() as s:
            (await s.get(Brand, brand.id)).name = "Renamed in a read"
    async with db.transaction() as s:
        assert (await s.get(Brand, brand.id)).name == brand.name  # never written


@pytest.mark.skipif(BACKEND != "sqlite", reason="the write lock at BEGIN is SQLite's; PostgreSQL reads never take one")
async def test_on_sqlite_a_read_leaves_the_database_open_to_another_process_s_writer(db):
    await make_brand(db)
    path = db.settings.effective_database_url.split("///", 1)[1]
    assert is_sqlite(db.settings.effective_database_url)
    other = sqlite3.connect(path, timeout=0, isolation_level=None)  # another process's writer, no waiting
    try:
        async with db.read() as s:
            assert await s.scalar(select(func.count(Brand.id))) >= 1
            other.execute("BEGIN IMMEDIATE")  # would raise "database is locked" under a write transaction
            other.execute("ROLLBACK")
        async with db.transaction() as s:
            await s.scalar(select(func.count(Brand.id)))
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()


async def test_open_pool_leaves_that_many_connections_in_the_pool(settings):
    """What a long-lived process does at start-up (PostgreSQL); SQLite keeps its one connection as it is."""
    from croupier.db import Database

    fresh = Database(settings)
    try:
        await fresh.open_pool(6)
        kept = fresh.engine.pool.checkedin()
        async with fresh.transaction() as s:  # and they work
            assert await s.scalar(select(func.count()).select_from(Brand)) >= 0
    finally:
        await fresh.dispose()
    assert kept == (0 if fresh.sqlite else 6)
