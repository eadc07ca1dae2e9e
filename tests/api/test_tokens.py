"""API tokens over the API: shown once, scoped to a subset of the owner's rights, listed, revoked."""

from __future__ import annotations

from sqlalchemy import select

from croupier.models import ApiToken, AuditEntry
from tests.api.world import bearer, build_world, count


class TestCreate:
    async def test_plaintext_is_returned_once_and_works_with_its_scopes(self, client, db):
        w = await build_world(client, db)
        r = await w.call("agent_a", "POST", "/api/v1/tokens",
                         json={"name": "reporting", "scopes": ["conversations:read"], "expires_in_days": 30})
        assert r.status_code == 201 and r.headers["cache-control"] == "no-store"
        created = r.json()
        assert created["token"].startswith(f"crp_{created['prefix']}_") and created["expires_at"]
        me = await client.get("/api/v1/me", headers=bearer(created["token"]))
        assert me.json()["scopes"] == ["conversations:read"] and me.json()["brand_ids"] == [w.a.brand.id]
        assert (await client.get("/api/v1/conversations", headers=bearer(created["token"]))).status_code == 200
        refused = await client.get("/api/v1/players", headers=bearer(created["token"]))
        assert refused.status_code == 403 and refused.json()["error"]["scope"] == "players:read"

        listed = await w.call("agent_a", "GET", "/api/v1/tokens")
        assert created["id"] in [t["id"] for t in listed.json()]
        assert created["token"] not in listed.text
        async with db.transaction() as s:
            stored = await s.get(ApiToken, created["id"])
            assert created["token"] not in (stored.token_hash, stored.prefix)
            entry = await s.scalar(select(AuditEntry).where(AuditEntry.action == "token.created",
                                                            AuditEntry.target_id == str(created["id"])))
            assert created["token"] not in str(entry.details)

    async def test_more_rights_than_the_owner_is_400_and_nothing_is_created(self, client, db):
        w = await build_world(client, db)
        tokens = await count(db, ApiToken)
        r = await w.call("agent_a", "POST", "/api/v1/tokens", json={"name": "x", "scopes": ["users:write"]})
        assert r.status_code == 400 and r.json()["error"]["code"] == "scope_not_allowed"
        assert "users:write" in r.json()["error"]["message"]
        assert await count(db, ApiToken) == tokens

    async def test_a_token_cannot_mint_a_wider_token(self, client, db):
        w = await build_world(client, db)
        narrow = (await w.call("agent_a", "POST", "/api/v1/tokens",
                               json={"name": "n", "scopes": ["tokens:write", "conversations:read"]})).json()["token"]
        r = await client.post("/api/v1/tokens", headers=bearer(narrow),
                              json={"name": "wide", "scopes": ["conversations:write"]})
        assert r.status_code == 400 and r.json()["error"]["code"] == "scope_not_allowed"

    async def test_unknown_scope_is_400(self, client, db):
        w = await build_world(client, db)
        r = await w.call("admin", "POST", "/api/v1/tokens", json={"name": "x", "scopes": ["everything"]})
        assert r.status_code == 400 and r.json()["error"]["code"] == "unknown_scope"


class TestRevoke:
    async def test_revoked_token_stops_working_and_is_audited(self, client, db):
        w = await build_world(client, db)
        created = (await w.call("agent_a", "POST", "/api/v1/tokens",
                                json={"name": "temp", "scopes": ["conversations:read"]})).json()
        r = await w.call("agent_a", "DELETE", f"/api/v1/tokens/{created['id']}")
        assert r.status_code == 200 and r.json()["revoked_at"]
        assert (await client.get("/api/v1/me", headers=bearer(created["token"]))).status_code == 401
        again = await w.call("agent_a", "DELETE", f"/api/v1/tokens/{created['id']}")
        assert again.status_code == 200 and again.json()["revoked_at"] == r.json()["revoked_at"]
        async with db.transaction() as s:
            entries = list(await s.scalars(select(AuditEntry).where(AuditEntry.action == "token.revoked")))
        assert [e.target_id for e in entries] == [str(created["id"])]

    async def test_someone_elses_token_is_404_and_keeps_working(self, client, db):
        w = await build_world(client, db)
        mine = (await w.call("agent_a", "GET", "/api/v1/tokens")).json()[0]["id"]
        r = await w.call("agent_b", "DELETE", f"/api/v1/tokens/{mine}")
        assert r.status_code == 404
        assert (await w.call("agent_a", "GET", "/api/v1/me")).status_code == 200

    async def test_admin_revokes_anyones_token(self, client, db):
        w = await build_world(client, db)
        theirs = (await w.call("agent_b", "GET", "/api/v1/tokens")).json()[0]["id"]
        assert (await w.call("admin", "DELETE", f"/api/v1/tokens/{theirs}")).status_code == 200
        assert (await w.call("agent_b", "GET", "/api/v1/me")).status_code == 401
