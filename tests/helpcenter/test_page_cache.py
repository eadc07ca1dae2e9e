"""The help centre's page cache: repeated pages come from memory, any change to what they show is seen at
once in this process and within the check interval from another, and nothing private or failed is kept."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import func, select

from croupier.brand import repository as brands
from croupier.helpcenter.page_cache import HelpPageCache
from croupier.kb.index_cache import indexes
from croupier.kb.service import kb_service
from croupier.models import Brand, Channel, ChannelType, PublicVersion, public
from tests.factories import make_brand
from tests.kb.content import seed_kb

ARTICLE = "/help/lucky/en/a/withdrawal-times"


def _cache(app) -> HelpPageCache:
    if app.middleware_stack is None:  # (built at the first request)
        app.middleware_stack = app.build_middleware_stack()
    layer = app.middleware_stack
    while not isinstance(layer, HelpPageCache):
        layer = layer.app
    return layer


async def _version(db) -> int:
    async with db.read() as s:
        return await s.scalar(select(func.coalesce(func.max(PublicVersion.version), 0)))


async def _retitle(db, ids, title: str) -> None:
    async with db.transaction() as s:
        await kb_service.save_translation(s, None, ids["withdrawal-times"], "en", title, "Paid within a day.")
        await kb_service.publish(s, None, ids["withdrawal-times"], "en")


async def _lucky(db):
    brand, channel = await make_brand(db, slug="lucky")
    return brand, channel, await seed_kb(db, brand)


async def test_a_repeated_page_comes_from_memory_with_the_same_body_and_an_etag(app, client, db):
    await _lucky(db)
    cache = _cache(app)
    first = await client.get(ARTICLE)
    hits = cache.hits
    second = await client.get(ARTICLE)
    assert first.status_code == second.status_code == 200
    assert cache.hits == hits + 1 and second.text == first.text
    assert second.headers["etag"] == first.headers["etag"] and second.headers["content-security-policy"]
    assert second.headers["x-content-type-options"] == "nosniff"  # the app's own middleware still applies
    again = await client.get(ARTICLE, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == first.headers["etag"]
    other = await client.get(ARTICLE, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.text == first.text


async def test_a_publish_in_this_process_shows_at_once(client, db):
    _brand, _channel, ids = await _lucky(db)
    assert "How long do withdrawals take?" in (await client.get(ARTICLE)).text
    before = await _version(db)
    await _retitle(db, ids, "When is my money paid?")
    assert await _version(db) > before
    html = (await client.get(ARTICLE)).text
    assert "When is my money paid?" in html and "How long do withdrawals take?" not in html
    assert "When is my money paid?" in (await client.get("/help/lucky/en/c/payments")).text


async def test_a_change_from_another_process_shows_within_the_check_interval(app, client, db):
    _brand, _channel, ids = await _lucky(db)
    cache = _cache(app)
    cache.check_seconds = 30.0
    assert "How long do withdrawals take?" in (await client.get(ARTICLE)).text
    # As another process would publish: this one is made not to notice its own change.
    await _retitle(db, ids, "Changed elsewhere")
    cache.seen_local_change = public.last_local_change
    assert "How long do withdrawals take?" in (await client.get(ARTICLE)).text  # still the kept page
    cache.checked_at -= 30.0  # the interval has passed
    html = (await client.get(ARTICLE)).text
    assert "Changed elsewhere" in html and "How long do withdrawals take?" not in html


async def test_votes_and_an_email_channels_poll_status_do_not_change_the_version(client, db):
    brand, _channel, _ids = await _lucky(db)
    before = await _version(db)
    vote = await client.post(f"{ARTICLE}/vote", data={"helpful": "yes"})
    assert vote.status_code == 303
    async with db.transaction() as s:
        s.add(Channel(brand_id=brand.id, type=ChannelType.email, name="Mail", key="mail-key", secret="x",
                      config={}))
    async with db.transaction() as s:
        mail = await s.scalar(select(Channel).where(Channel.key == "mail-key"))
        mail.config = {"imap_status": {"ok": True}}
    assert await _version(db) == before


async def test_a_brand_or_widget_change_and_a_rollback(client, db):
    brand, _channel, _ids = await _lucky(db)
    page = await client.get("/help/lucky/en/")
    assert 'data-key="' in page.text and "Lucky Star Casino" in page.text
    async with db.transaction() as s:
        (await s.get(Brand, brand.id)).name = "Lucky Moon"
        channel = await brands.webchat_channel(s, brand.id)
        channel.is_active = False
    page = await client.get("/help/lucky/en/")
    assert "Lucky Moon" in page.text and 'data-key="' not in page.text
    before = await _version(db)
    try:
        async with db.transaction() as s:
            (await s.get(Brand, brand.id)).name = "Never saved"
            await s.flush()
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    assert await _version(db) == before and "Lucky Moon" in (await client.get("/help/lucky/en/")).text


async def test_error_pages_and_pages_setting_a_cookie_are_not_kept(app, client, db):
    brand, _channel, _ids = await _lucky(db)
    cache = _cache(app)
    missing = await client.get("/help/lucky/en/a/new-article")
    assert missing.status_code == 404
    assert not any(path == "/help/lucky/en/a/new-article" for path, _ in cache.pages)
    async with db.transaction() as s:
        from croupier.kb.schemas import ArticleIn
        article = await kb_service.create_article(s, None, ArticleIn(
            brand_id=brand.id, slug="new-article", locale="en", title="Brand new", body="Fresh text."))
        await kb_service.publish(s, None, article.id, "en")
    assert (await client.get("/help/lucky/en/a/new-article")).status_code == 200
    redirect = await client.get("/help/lucky/", headers={"Accept-Language": "pl"})
    assert redirect.status_code == 302 and not any(path == "/help/lucky/" for path, _ in cache.pages)


async def test_the_cache_holds_no_more_than_its_size_least_recent_pages_leaving_first(app, client, db):
    await _lucky(db)
    cache = _cache(app)
    page = await client.get(ARTICLE)
    cache.max_bytes = int(len(page.content) * 2.5)
    cache.pages.clear()
    cache.size = 0
    for path in (ARTICLE, "/help/lucky/en/a/verify-account", "/help/lucky/en/a/deposit-limits",
                 "/help/lucky/pl/a/withdrawal-times"):
        assert (await client.get(path)).status_code == 200
    assert cache.size <= cache.max_bytes and len(cache.pages) == 2
    assert (ARTICLE, b"") not in cache.pages and ("/help/lucky/pl/a/withdrawal-times", b"") in cache.pages


async def test_with_redis_a_page_drawn_by_one_process_serves_the_others(settings, redis_url, db):
    from croupier.app import create_app

    await _lucky(db)
    shared = settings.model_copy(update={"redis_url": redis_url})
    apps = [create_app(shared), create_app(shared)]  # two web processes of one installation
    async with apps[0].router.lifespan_context(apps[0]), apps[1].router.lifespan_context(apps[1]):
        await apps[0].state.redis.flushdb()
        one, two = (httpx.AsyncClient(transport=httpx.ASGITransport(app=a), base_url="http://t") for a in apps)
        async with one, two:
            drawn = await one.get(ARTICLE)
            taken = await two.get(ARTICLE)
            assert drawn.status_code == taken.status_code == 200 and taken.text == drawn.text
            assert taken.headers["etag"] == drawn.headers["etag"]
            first, second = _cache(apps[0]), _cache(apps[1])
            assert (first.misses, second.misses, second.shared_hits) == (1, 0, 1)
            for _ in range(2):  # the second process drew nothing: it loads the brand's search indexes anyway
                await asyncio.gather(*indexes._tasks)
            serial = indexes._engine(apps[1].state.db.engine.sync_engine)
            assert {key[2] for key in indexes.entries if key[0] == serial} == {"en", "ru", "pl", "az", "fi"}
            # Addresses with a query string (searches: anyone can make up new ones) stay a minute only.
            assert (await one.get("/help/lucky/en/search?q=withdrawal")).status_code == 200
            ttls = {key.decode().rsplit("?", 1)[1]: await apps[0].state.redis.ttl(key)
                    for key in await apps[0].state.redis.keys("croupier:page:*")}
            assert 3500 < ttls[""] <= 3600 and 0 < ttls["q=withdrawal"] <= 60, ttls
            # A change raises the version: the page kept in Redis under the old one is not served.
            async with apps[0].state.db.transaction() as s:
                (await s.scalar(select(Brand).where(Brand.slug == "lucky"))).name = "Lucky Moon"
            second.checked_at -= 3600
            assert "Lucky Moon" in (await two.get(ARTICLE)).text and second.misses == 1
            # Redis gone: pages are drawn, never an error.
            await apps[1].state.redis.aclose()
            apps[1].state.redis = _Broken()
            assert (await two.get("/help/lucky/en/c/payments")).status_code == 200


class _Broken:
    async def get(self, _key: str) -> bytes:
        raise ConnectionError("redis is down")

    async def set(self, *_args: object, **_kwargs: object) -> None:
        raise ConnectionError("redis is down")

    async def aclose(self) -> None:
        return None


def test_the_shared_key_names_the_build(settings, monkeypatch, tmp_path):
    """After an upgrade (a template changed) or a new address, pages drawn before are not taken from Redis."""
    import shutil

    from croupier.config import get_settings
    from croupier.helpcenter import page_cache

    page_cache.build.cache_clear()
    before, here = page_cache.build(), page_cache.HERE
    copy = tmp_path / "helpcenter"
    shutil.copytree(page_cache.HERE, copy)
    shutil.copytree(page_cache.HERE.parent / "locales", tmp_path / "locales")
    (copy / "templates" / "layout.html").write_text((copy / "templates" / "layout.html").read_text() + "\n")
    monkeypatch.setattr(page_cache, "HERE", copy)
    page_cache.build.cache_clear()
    changed = page_cache.build()
    monkeypatch.setenv("CROUPIER_BASE_URL", "https://help.example.com")
    get_settings.cache_clear()
    page_cache.build.cache_clear()
    moved = page_cache.build()
    monkeypatch.setattr(page_cache, "HERE", here)
    monkeypatch.delenv("CROUPIER_BASE_URL")
    get_settings.cache_clear()
    page_cache.build.cache_clear()
    assert len({before, changed, moved}) == 3 and page_cache.build() == before
