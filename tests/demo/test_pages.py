"""Demo casino pages: the real script tag with the brand's key, and a server-side signature for the demo player."""

from __future__ import annotations

import re

from croupier.channels.webchat.service import identity_signature
from croupier.config import get_settings
from croupier.demo.seed import seed
from tests.factories import make_brand


def _script_tag(html: str) -> dict[str, str]:
    tag = re.search(r"<script src=\"([^\"]+)\"([^>]*)>", html)
    assert tag, "no script tag"
    return {"src": tag.group(1), **dict(re.findall(r'(data-[\w-]+)="([^"]*)"', tag.group(2)))}


class TestCasinoPage:
    async def test_a_visitor_page_embeds_the_widget_with_the_brands_key(self, client, db):
        brand, channel = await make_brand(db)
        r = await client.get(f"/demo/{brand.slug}")
        assert r.status_code == 200 and "Lucky Star Casino" in r.text and "18+" in r.text
        tag = _script_tag(r.text)
        assert tag == {"src": "http://testserver/widget/croupier.js", "data-key": channel.key}
        assert re.search(r"\sasync></script>", r.text)

    async def test_the_logged_in_page_signs_the_player_like_an_operators_backend(self, client, db):
        brand, channel = await make_brand(db)
        tag = _script_tag((await client.get(f"/demo/{brand.slug}", params={"as": "player"})).text)
        assert tag["data-player-signature"] == identity_signature(channel.secret, tag["data-player-id"])
        r = await client.post("/api/widget/v1/sessions", json={"key": tag["data-key"], "player": {
            "id": tag["data-player-id"], "signature": tag["data-player-signature"], "name": tag["data-player-name"]}})
        assert r.status_code == 200 and r.json()["player_name"] == tag["data-player-name"]

    async def test_the_seeded_demo_player_sees_their_history_when_logged_in(self, client, db, settings):
        await seed(settings)
        tag = _script_tag((await client.get("/demo/lucky-star", params={"as": "player"})).text)
        session = (await client.post("/api/widget/v1/sessions", json={"key": tag["data-key"], "player": {
            "id": tag["data-player-id"], "signature": tag["data-player-signature"]}})).json()
        history = (await client.get("/api/widget/v1/messages",
                                    headers={"Authorization": f"Bearer {session['token']}"})).json()
        assert len(history) >= 5 and not any(m["is_private"] for m in history)
        assert {m["author_type"] for m in history} == {"player", "agent"}

    async def test_the_page_speaks_the_visitors_language_among_the_brands(self, client, db):
        brand, _channel = await make_brand(db, slug="nordic", name="Nordic Spins", locales=("fi", "en", "ru"),
                                           default_locale="fi")
        assert '<html lang="ru">' in (await client.get("/demo/nordic", headers={"Accept-Language": "ru"})).text
        assert '<html lang="fi">' in (await client.get("/demo/nordic", headers={"Accept-Language": "pl"})).text
        chosen = await client.get("/demo/nordic", params={"lang": "en"})
        assert _script_tag(chosen.text)["data-locale"] == "en"

    async def test_unknown_brands_and_bad_switches_are_clear_errors(self, client, db):
        await make_brand(db)
        missing = await client.get("/demo/no-such-casino")
        assert missing.status_code == 404 and "no-such-casino" in missing.json()["error"]["message"]
        assert (await client.get("/demo/lucky", params={"as": "admin"})).status_code == 422


class TestListing:
    async def test_lists_every_brand(self, client, db):
        await make_brand(db)
        await make_brand(db, slug="nordic", name="Nordic Spins", locales=("fi",), default_locale="fi")
        r = await client.get("/demo")
        assert r.status_code == 200
        assert 'href="http://testserver/demo/lucky"' in r.text and 'href="http://testserver/demo/nordic"' in r.text

    async def test_the_demo_pages_are_off_in_production(self, client, db, monkeypatch):
        brand, _channel = await make_brand(db)
        monkeypatch.setenv("CROUPIER_ENVIRONMENT", "production")
        get_settings.cache_clear()
        assert (await client.get("/demo")).status_code == 404
        assert (await client.get(f"/demo/{brand.slug}", params={"as": "player"})).status_code == 404
