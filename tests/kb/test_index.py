"""The in-memory search index: loaded once per process, refreshed after a publish, an unpublish, a new slug
or a new translation (reading only what changed, and then the same as loaded afresh), an editor's own
uncommitted publish seen in their transaction only, memory bounded, warmed by the help centre."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from croupier.kb import search
from croupier.kb.index import load
from croupier.kb.index_cache import IndexCache, _session_rows, indexes, public_version_of
from croupier.kb.schemas import ArticleUpdate
from croupier.kb.service import kb_service
from croupier.models import Role
from tests.factories import make_brand, make_user, principal_of
from tests.kb.content import seed_kb


async def _found(db, brand, locale: str, query: str) -> list[tuple[str, str, bool]]:
    async with db.read() as s:
        return [(h.slug, h.locale, h.fallback) for h in await search.search_articles(s, brand.id, locale, query)]


async def _republish(db, article_id: int, locale: str, title: str, body: str) -> None:
    async with db.transaction() as s:
        await kb_service.save_translation(s, None, article_id, locale, title, body)
        await kb_service.publish(s, None, article_id, locale)


class TestRefresh:
    async def test_loaded_once_then_a_publish_reloads_only_the_changed_translation(self, db):
        brand, _ = await make_brand(db)
        ids = await seed_kb(db, brand)
        loads, refreshes = indexes.loads, indexes.refreshes
        assert await _found(db, brand, "en", "passport") == [("verify-account", "en", False)]
        assert await _found(db, brand, "en", "passport") == [("verify-account", "en", False)]
        assert (indexes.loads, indexes.refreshes) == (loads + 1, refreshes)  # the second search: from memory
        await _republish(db, ids["verify-account"], "en", "Verifying your account", "Send us a selfie.")
        assert await _found(db, brand, "en", "passport") == []
        assert await _found(db, brand, "en", "selfie") == [("verify-account", "en", False)]
        assert (indexes.loads, indexes.refreshes) == (loads + 1, refreshes + 1)

    async def test_unpublishing_and_a_new_slug_show_at_the_next_search(self, db):
        brand, _ = await make_brand(db)
        ids = await seed_kb(db, brand)
        admin = await principal_of(db, await make_user(db, "admin@example.test", Role.admin))
        assert await _found(db, brand, "en", "cooling-off") == [("deposit-limits", "en", False)]
        async with db.transaction() as s:
            await kb_service.update_article(s, None, ids["deposit-limits"], ArticleUpdate(slug="limits"))
        assert await _found(db, brand, "en", "cooling-off") == [("limits", "en", False)]
        async with db.transaction() as s:
            await kb_service.unpublish(s, admin, ids["deposit-limits"], "en")
        assert await _found(db, brand, "en", "cooling-off") == []

    async def test_the_fallback_follows_the_translations_published(self, db):
        brand, _ = await make_brand(db)
        ids = await seed_kb(db, brand)
        admin = await principal_of(db, await make_user(db, "admin@example.test", Role.admin))
        assert await _found(db, brand, "pl", "passport") == [("verify-account", "en", True)]
        await _republish(db, ids["verify-account"], "pl", "Weryfikacja konta", "Prześlij zdjęcie paszportu.")
        assert await _found(db, brand, "pl", "passport") == []  # translated now: its English text is not searched
        assert await _found(db, brand, "pl", "paszport") == [("verify-account", "pl", False)]
        async with db.transaction() as s:
            await kb_service.unpublish(s, admin, ids["verify-account"], "pl")
        assert await _found(db, brand, "pl", "passport") == [("verify-account", "en", True)]
        assert await _found(db, brand, "pl", "paszport") == []

    async def test_a_refreshed_index_ranks_exactly_as_one_loaded_afresh(self, db):
        brand, _ = await make_brand(db)
        ids = await seed_kb(db, brand)
        queries = ["withdrawal", "bank transfer days", "passport", "deposit limit", "account", "hours approval"]
        await _found(db, brand, "en", "withdrawal")
        await _republish(db, ids["withdrawal-times"], "en", "Withdrawal times",
                         "Withdrawals take a day.\n\n## Cards\n\nCard withdrawals take three banking days.\n")
        await _republish(db, ids["deposit-limits"], "en", "Deposit limits", "Set a deposit limit in your account.")
        async with db.read() as s:
            refreshed = await indexes.get(s, brand.id, "en")
            fresh = await load(_session_rows(s), brand.id, "en", await public_version_of(s))
        assert indexes.refreshes and len(refreshed.p_id) == len(fresh.p_id)
        for query in queries:
            terms = query.split()
            mine = [(int(refreshed.p_id[p]), s) for p, s in zip(*refreshed.scores(terms), strict=True)]
            theirs = [(int(fresh.p_id[p]), s) for p, s in zip(*fresh.scores(terms), strict=True)]
            assert sorted(mine) == sorted(theirs), query

    async def test_an_uncommitted_publish_is_seen_in_its_transaction_only(self, db):
        brand, _ = await make_brand(db)
        ids = await seed_kb(db, brand, publish=False)
        assert await _found(db, brand, "en", "passport") == []
        with pytest.raises(RuntimeError):
            async with db.transaction() as s:
                await kb_service.publish(s, None, ids["verify-account"], "en")
                assert [h.slug for h in await search.search(s, brand.id, "en", "passport")] == ["verify-account"]
                raise RuntimeError("rolled back")
        assert await _found(db, brand, "en", "passport") == []


class TestMemory:
    async def test_indexes_beyond_the_budget_leave_least_recently_used_first(self, db):
        brand, _ = await make_brand(db)
        await seed_kb(db, brand)
        async with db.read() as s:
            probe = await IndexCache().get(s, brand.id, "en")
            cache = IndexCache(max_bytes=probe.nbytes)
            await cache.get(s, brand.id, "pl")
            await cache.get(s, brand.id, "en")
        assert [key[1:] for key in cache.entries] == [(brand.id, "en")]
        assert 0 < cache.size <= cache.max_bytes

    async def test_the_cost_grows_with_the_postings(self, db):
        brand, _ = await make_brand(db)
        await seed_kb(db, brand)
        async with db.read() as s:
            index = await IndexCache().get(s, brand.id, "en")
        postings = len(index.post_p)
        assert postings > 50 and index.nbytes < 200 * postings + 10_000
        assert np.diff(index.offsets).sum() == postings


async def test_the_help_centre_warms_a_brands_indexes_on_its_first_page(client, db):
    brand, _ = await make_brand(db)
    await seed_kb(db, brand)
    assert (await client.get("/help/lucky/pl/")).status_code == 200
    await asyncio.gather(*indexes._tasks)
    async with db.read() as s:
        version = await public_version_of(s)
    warmed = {key[2] for key, index in indexes.entries.items() if key[1] == brand.id and index.version == version}
    assert warmed >= {"en", "ru", "pl", "az", "fi"}


async def test_a_search_during_the_warm_up_does_not_load_the_index_again(db):
    brand, _ = await make_brand(db)
    await seed_kb(db, brand)
    cache = IndexCache()
    cache.warm(db, brand.id, ["en", "pl"])
    await asyncio.sleep(0.01)  # (the warm-up under way)
    async with db.read() as s:
        index = await cache.get(s, brand.id, "en")
    await asyncio.gather(*cache._tasks)
    assert cache.loads == 2 and not cache._loading  # en and pl, each once
    assert [key[2] for key in cache.entries] == ["en", "pl"] and cache.entries[next(iter(cache.entries))] is index


async def test_the_help_centre_keeps_existing_brands_only(client, db):
    await make_brand(db)
    for n in range(3):
        assert (await client.get(f"/help/nope{n}/en/")).status_code == 404
    assert (await client.get("/help/lucky/en/")).status_code == 200
    kept = {key[1] for key in indexes.brands}
    assert "lucky" in kept and not any(slug.startswith("nope") for slug in kept)
