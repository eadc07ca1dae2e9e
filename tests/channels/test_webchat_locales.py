"""The widget speaks the visitor's language, among the brand's: sessions, strings, and the no-session config."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from croupier.channels.webchat.strings import WIDGET_STRINGS
from croupier.kit import i18n
from croupier.models import PlayerIdentity
from tests.factories import make_brand

LOCALES = i18n.available_locales()


async def _session(client, channel, **payload):
    r = await client.post("/api/widget/v1/sessions", json={"key": channel.key, **payload})
    assert r.status_code == 200, r.text
    return r.json()


def test_the_five_languages_are_available():
    assert set(LOCALES) >= {"en", "ru", "pl", "az", "fi"}


class TestSession:
    @pytest.mark.parametrize("code", LOCALES)
    async def test_the_browser_language_picks_the_widget_language(self, client, db, code):
        _brand, channel = await make_brand(db)
        session = await _session(client, channel, languages=[f"{code}-XX", "en"])
        assert session["locale"] == code
        assert set(session["strings"]) == set(WIDGET_STRINGS)
        assert session["strings"]["Send"] == i18n.gettext("Send", code)
        assert set(session["locale_names"]) == set(session["locales"]) == {"en", "ru", "pl", "az", "fi"}
        assert session["attachment_max_bytes"] > 0 and "image/png" in session["attachment_types"]

    async def test_only_the_brands_languages_are_chosen(self, client, db):
        _brand, channel = await make_brand(db, slug="nordic", name="Nordic Spins", locales=("fi", "en", "ru"),
                                           default_locale="fi")
        assert (await _session(client, channel, languages=["pl-PL", "ru-RU"]))["locale"] == "ru"
        assert (await _session(client, channel, languages=["pl-PL", "de"]))["locale"] == "fi"
        assert (await _session(client, channel, locale="en", languages=["ru"]))["locale"] == "en"

    async def test_a_player_may_switch_to_another_language(self, client, db):
        for code in LOCALES:
            r = await client.get(f"/api/widget/v1/strings/{code}")
            assert r.status_code == 200 and set(r.json()) == set(WIDGET_STRINGS)
        assert (await client.get("/api/widget/v1/strings/pl-PL")).json() == i18n.catalog_dict("pl", WIDGET_STRINGS)

    async def test_an_unknown_language_is_a_clear_404(self, client):
        r = await client.get("/api/widget/v1/strings/klingon")
        assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_locale"
        assert "klingon" in r.json()["error"]["message"] and "fi" in r.json()["error"]["message"]


class TestConfig:
    async def test_a_new_visitor_gets_texts_without_a_session_being_created(self, client, db):
        _brand, channel = await make_brand(db)
        r = await client.get(f"/api/widget/v1/config/{channel.key}", params={"languages": "az-AZ,ru"})
        assert r.status_code == 200 and r.json()["locale"] == "az" and r.json()["brand"] == "Lucky Star Casino"
        assert "token" not in r.json() and set(r.json()["strings"]) == set(WIDGET_STRINGS)
        async with db.transaction() as s:
            assert await s.scalar(select(func.count()).select_from(PlayerIdentity)) == 0

    async def test_an_unknown_key_is_a_404_that_names_the_script_tag(self, client, db):
        r = await client.get("/api/widget/v1/config/wc_nope")
        assert r.status_code == 404 and "data-key" in r.json()["error"]["message"]
