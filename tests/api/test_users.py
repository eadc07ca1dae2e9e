"""Staff accounts and teams over the API: create, change, deactivate (which signs the person out everywhere)."""

from __future__ import annotations

from sqlalchemy import select

from croupier.models import ApiToken, AuditEntry, StaffSession, Team, User
from tests.api.world import build_world, count, row
from tests.factories import PASSWORD, console_session


def new_user(w, **extra):
    return {"email": "Nina@Example.test", "name": "Nina", "role": "agent", "password": PASSWORD,
            "brand_ids": [w.a.brand.id], **extra}


class TestCreate:
    async def test_admin_creates_an_agent_with_brands_and_teams(self, client, db):
        w = await build_world(client, db)
        team = (await w.call("admin", "POST", "/api/v1/teams", json={"name": "VIP", "description": "High rollers"}))
        assert team.status_code == 201 and team.json()["description"] == "High rollers"
        r = await w.call("admin", "POST", "/api/v1/users", json=new_user(w, locale="fi", team_ids=[team.json()["id"]]))
        assert r.status_code == 201, r.text
        body = r.json()
        assert (body["email"], body["role"], body["locale"], body["is_active"]) == (
            "nina@example.test", "agent", "fi", True)
        assert body["brand_ids"] == [w.a.brand.id] and body["team_ids"] == [team.json()["id"]]
        assert "password" not in r.text and PASSWORD not in r.text
        async with db.transaction() as s:
            entry = await s.scalar(select(AuditEntry).where(AuditEntry.action == "user.created",
                                                            AuditEntry.target_id == str(body["id"])))
            assert entry.actor_user_id == w.users["admin"].id and PASSWORD not in str(entry.details)

    async def test_weak_password_is_400_and_nobody_is_created(self, client, db):
        w = await build_world(client, db)
        users = await count(db, User)
        r = await w.call("admin", "POST", "/api/v1/users", json=new_user(w, password="password123"))
        assert r.status_code == 400 and r.json()["error"]["code"] == "weak_password"
        assert await count(db, User) == users

    async def test_taken_email_is_409(self, client, db):
        w = await build_world(client, db)
        users = await count(db, User)
        r = await w.call("admin", "POST", "/api/v1/users", json=new_user(w, email="AGENT.A@example.test"))
        assert r.status_code == 409 and await count(db, User) == users

    async def test_unknown_brand_or_role_is_refused(self, client, db):
        w = await build_world(client, db)
        users = await count(db, User)
        r = await w.call("admin", "POST", "/api/v1/users", json=new_user(w, brand_ids=[999]))
        assert r.status_code == 400 and r.json()["error"]["code"] == "unknown_brand"
        r = await w.call("admin", "POST", "/api/v1/users", json=new_user(w, role="overlord"))
        assert r.status_code == 422 and r.json()["error"]["fields"][0]["field"] == "role"
        assert await count(db, User) == users


class TestUpdate:
    async def test_role_brands_teams_and_language(self, client, db):
        w = await build_world(client, db)
        team = (await w.call("admin", "POST", "/api/v1/teams", json={"name": "Payments"})).json()["id"]
        agent = w.users["agent_a"].id
        r = await w.call("admin", "PATCH", f"/api/v1/users/{agent}", json={
            "role": "supervisor", "brand_ids": [w.a.brand.id, w.b.brand.id], "team_ids": [team], "locale": "az"})
        assert r.status_code == 200
        assert (r.json()["role"], r.json()["brand_ids"], r.json()["team_ids"], r.json()["locale"]) == (
            "supervisor", sorted([w.a.brand.id, w.b.brand.id]), [team], "az")
        me = await w.call("agent_a", "GET", "/api/v1/me")  # the same token now acts with the new role and brands
        assert me.json()["role"] == "supervisor" and me.json()["brand_ids"] == sorted([w.a.brand.id, w.b.brand.id])
        r = await w.call("admin", "PATCH", f"/api/v1/users/{agent}", json={"team_ids": []})
        assert r.json()["team_ids"] == [] and r.json()["brand_ids"] == sorted([w.a.brand.id, w.b.brand.id])

    async def test_deactivation_revokes_sessions_and_tokens(self, client, db):
        w = await build_world(client, db)
        agent = w.users["agent_a"]
        await console_session(client, db, agent)
        client.cookies.clear()
        r = await w.call("admin", "PATCH", f"/api/v1/users/{agent.id}", json={"is_active": False})
        assert r.status_code == 200 and r.json()["is_active"] is False
        async with db.transaction() as s:
            sessions = list(await s.scalars(select(StaffSession).where(StaffSession.user_id == agent.id)))
            tokens = list(await s.scalars(select(ApiToken).where(ApiToken.user_id == agent.id)))
            entry = await s.scalar(select(AuditEntry).where(AuditEntry.action == "user.deactivated"))
        assert sessions and all(x.revoked_at for x in sessions) and tokens and all(t.revoked_at for t in tokens)
        assert entry.details["changes"]["sessions_revoked"] == 1 and entry.details["changes"]["tokens_revoked"] == 1
        assert (await w.call("agent_a", "GET", "/api/v1/me")).status_code == 401
        back = await w.call("admin", "PATCH", f"/api/v1/users/{agent.id}", json={"is_active": True})
        assert back.json()["is_active"] is True
        assert (await w.call("agent_a", "GET", "/api/v1/me")).status_code == 401  # revoked stays revoked

    async def test_an_admin_cannot_deactivate_or_demote_themselves(self, client, db):
        w = await build_world(client, db)
        admin = w.users["admin"].id
        before = await row(db, User, admin)
        for change in ({"is_active": False}, {"role": "agent"}):
            r = await w.call("admin", "PATCH", f"/api/v1/users/{admin}", json=change)
            assert r.status_code == 400 and r.json()["error"]["code"] == "own_account"
        assert await row(db, User, admin) == before

    async def test_null_fields_are_422_and_unknown_team_is_400(self, client, db):
        w = await build_world(client, db)
        agent = w.users["agent_a"].id
        before = await row(db, User, agent)
        r = await w.call("admin", "PATCH", f"/api/v1/users/{agent}", json={"role": None, "is_active": None})
        assert r.status_code == 422 and {f["field"] for f in r.json()["error"]["fields"]} == {"role", "is_active"}
        r = await w.call("admin", "PATCH", f"/api/v1/users/{agent}", json={"team_ids": [404], "name": "Changed"})
        assert r.status_code == 400 and r.json()["error"]["code"] == "unknown_team"
        assert await row(db, User, agent) == before

    async def test_unknown_user_is_404(self, client, db):
        w = await build_world(client, db)
        r = await w.call("admin", "PATCH", "/api/v1/users/9999", json={"name": "Nobody"})
        assert r.status_code == 404 and r.json()["error"]["message"] == "There is no staff member 9999."


class TestListing:
    async def test_supervisor_sees_their_brands_staff_only(self, client, db):
        w = await build_world(client, db)
        r = await w.call("supervisor", "GET", "/api/v1/users")
        assert {u["email"] for u in r.json()} == {"sup.a@example.test", "agent.a@example.test"}
        hidden = await w.call("supervisor", "GET", f"/api/v1/users/{w.users['agent_b'].id}")
        assert hidden.status_code == 404

    async def test_teams_are_listed_by_name_and_names_are_unique(self, client, db):
        w = await build_world(client, db)
        for name in ("Withdrawals", "Compliance"):
            assert (await w.call("admin", "POST", "/api/v1/teams", json={"name": name})).status_code == 201
        teams = await count(db, Team)
        dup = await w.call("admin", "POST", "/api/v1/teams", json={"name": "Compliance"})
        assert dup.status_code == 409 and await count(db, Team) == teams
        listed = await w.call("agent_b", "GET", "/api/v1/teams")
        assert [t["name"] for t in listed.json()] == ["Compliance", "Withdrawals"]
