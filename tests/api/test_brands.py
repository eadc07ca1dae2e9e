"""Brands and channels over the API: create, change, list, and rotating the identity secret."""

from __future__ import annotations

from sqlalchemy import select

from croupier.channels.webchat.service import identity_signature
from croupier.models import AuditEntry, Brand, Channel
from tests.api.world import build_world, count, row


class TestCreate:
    async def test_admin_creates_a_brand_with_a_webchat_channel(self, client, db):
        w = await build_world(client, db)
        r = await w.call("admin", "POST", "/api/v1/brands", json={
            "slug": "golden-ace", "name": "Golden Ace", "locales": ["en", "fi"], "default_locale": "fi"})
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["slug"] == "golden-ace" and body["default_locale"] == "fi" and body["locales"] == ["en", "fi"]
        [channel] = body["channels"]
        assert channel["type"] == "webchat" and channel["key"].startswith("wc_")
        assert "secret" not in r.text
        async with db.transaction() as s:
            stored = await s.get(Brand, body["id"])
            assert stored.name == "Golden Ace"
            entry = await s.scalar(select(AuditEntry).where(AuditEntry.action == "brand.created",
                                                            AuditEntry.brand_id == body["id"]))
            assert entry.actor_user_id == w.users["admin"].id

    async def test_a_taken_slug_is_409_and_nothing_is_added(self, client, db):
        w = await build_world(client, db)
        brands = await count(db, Brand)
        r = await w.call("admin", "POST", "/api/v1/brands", json={"slug": "alpha", "name": "Copy"})
        assert r.status_code == 409 and "alpha" in r.json()["error"]["message"]
        assert await count(db, Brand) == brands

    async def test_an_unsupported_language_is_400(self, client, db):
        w = await build_world(client, db)
        brands = await count(db, Brand)
        r = await w.call("admin", "POST", "/api/v1/brands", json={"slug": "klingon", "name": "K", "locales": ["tlh"],
                                                                  "default_locale": "tlh"})
        assert r.status_code == 400 and r.json()["error"]["code"] == "unknown_locale"
        assert "tlh" in r.json()["error"]["message"]
        assert await count(db, Brand) == brands

    async def test_a_bad_slug_is_422(self, client, db):
        w = await build_world(client, db)
        r = await w.call("admin", "POST", "/api/v1/brands", json={"slug": "Not A Slug!", "name": "X"})
        assert r.status_code == 422 and r.json()["error"]["fields"][0]["field"] == "slug"


class TestUpdate:
    async def test_admin_changes_name_and_languages(self, client, db):
        w = await build_world(client, db)
        r = await w.call("admin", "PATCH", f"/api/v1/brands/{w.a.brand.id}",
                         json={"name": "Alpha Royale", "locales": ["en", "pl"], "default_locale": "pl"})
        assert r.status_code == 200
        assert (r.json()["name"], r.json()["default_locale"]) == ("Alpha Royale", "pl")
        stored = await row(db, Brand, w.a.brand.id)
        assert (stored["name"], stored["locales"], stored["default_locale"]) == ("Alpha Royale", ["en", "pl"], "pl")

    async def test_default_language_outside_the_list_is_400_and_unchanged(self, client, db):
        w = await build_world(client, db)
        before = await row(db, Brand, w.a.brand.id)
        r = await w.call("admin", "PATCH", f"/api/v1/brands/{w.a.brand.id}", json={"locales": ["ru"]})
        assert r.status_code == 400 and r.json()["error"]["code"] == "default_locale_not_listed"
        assert await row(db, Brand, w.a.brand.id) == before


class TestChannels:
    async def test_channels_show_the_public_key_and_never_the_secret(self, client, db):
        w = await build_world(client, db)
        r = await w.call("agent_a", "GET", f"/api/v1/brands/{w.a.brand.id}/channels")
        assert r.status_code == 200
        assert [c["key"] for c in r.json()] == [w.a.channel.key]
        assert w.a.channel.secret not in r.text and "secret" not in r.json()[0]

    async def test_brand_list_shows_each_brands_own_channels(self, client, db):
        w = await build_world(client, db)
        r = await w.call("admin", "GET", "/api/v1/brands")
        keys = {b["slug"]: [c["key"] for c in b["channels"]] for b in r.json()}
        assert keys == {"alpha": [w.a.channel.key], "bravo": [w.b.channel.key]}


class TestRotateIdentitySecret:
    async def test_new_secret_is_shown_once_and_old_signatures_stop_working(self, client, db):
        w = await build_world(client, db)
        old = w.a.channel.secret
        r = await w.call("admin", "POST", f"/api/v1/brands/{w.a.brand.id}/rotate-identity-secret")
        assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
        new = r.json()["secret"]
        assert new != old and len(new) >= 32 and r.json()["channel"]["key"] == w.a.channel.key
        assert (await row(db, Channel, w.a.channel.id))["secret"] == new

        def claim(secret):
            return {"key": w.a.channel.key, "player": {"id": "P-77", "signature": identity_signature(secret, "P-77")}}

        refused = await client.post("/api/widget/v1/sessions", json=claim(old))
        assert refused.status_code == 401
        accepted = await client.post("/api/widget/v1/sessions", json=claim(new))
        assert accepted.status_code == 200

        again = await w.call("admin", "GET", f"/api/v1/brands/{w.a.brand.id}")
        assert new not in again.text
        async with db.transaction() as s:
            entry = await s.scalar(select(AuditEntry).where(AuditEntry.action == "channel.secret_rotated"))
            assert entry.brand_id == w.a.brand.id and new not in str(entry.details)
