"""The audit log over the API: filtered, paged, brand-scoped, and its hash chain verified."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from croupier.kit.clock import utcnow
from croupier.models import AuditEntry
from tests.api.world import build_world


def actions(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [e["action"] for e in response.json()["items"]]


class TestList:
    async def test_newest_first_with_exact_and_prefix_action_filters(self, client, db):
        w = await build_world(client, db)
        await w.call("agent_a", "PATCH", f"/api/v1/conversations/{w.a.conversation_id}", json={"priority": "high"})
        everything = await w.call("admin", "GET", "/api/v1/audit?limit=500")
        ids = [e["id"] for e in everything.json()["items"]]
        assert ids == sorted(ids, reverse=True) and everything.json()["items"][0]["action"] == "conversation.updated"
        assert set(actions(await w.call("admin", "GET", "/api/v1/audit?action=token.*"))) == {"token.created"}
        assert actions(await w.call("admin", "GET", "/api/v1/audit?action=conversation.updated")) == [
            "conversation.updated"]
        assert actions(await w.call("admin", "GET", "/api/v1/audit?action=token")) == []

    async def test_filter_by_actor_target_brand_and_time(self, client, db):
        w = await build_world(client, db)
        await w.call("agent_a", "PATCH", f"/api/v1/conversations/{w.a.conversation_id}", json={"priority": "low"})
        agent = w.users["agent_a"].id
        by_actor = await w.call("admin", "GET", f"/api/v1/audit?actor_user_id={agent}")
        assert {e["actor_user_id"] for e in by_actor.json()["items"]} == {agent}
        by_target = await w.call("admin", "GET", "/api/v1/audit?target_type=conversation"
                                                 f"&target_id={w.a.conversation_id}")
        assert actions(by_target) == ["conversation.updated"]
        assert by_target.json()["items"][0]["details"]["changes"] == {"priority": "low"}
        by_brand = await w.call("admin", "GET", f"/api/v1/audit?brand_id={w.b.brand.id}")
        assert {e["brand_id"] for e in by_brand.json()["items"]} == {w.b.brand.id}
        future = (utcnow() + timedelta(hours=1)).isoformat().replace("+00:00", "Z")
        assert actions(await w.call("admin", "GET", f"/api/v1/audit?since={future}")) == []
        assert len(actions(await w.call("admin", "GET", f"/api/v1/audit?until={future}&limit=500"))) > 5

    async def test_cursor_walks_every_entry_once(self, client, db):
        w = await build_world(client, db)
        total = [e["id"] for e in (await w.call("admin", "GET", "/api/v1/audit?limit=500")).json()["items"]]
        seen, cursor = [], None
        while True:
            r = await w.call("admin", "GET", "/api/v1/audit?limit=3" + (f"&cursor={cursor}" if cursor else ""))
            seen += [e["id"] for e in r.json()["items"]]
            cursor = r.json()["next_cursor"]
            if cursor is None:
                break
        assert seen == total

    async def test_a_supervisor_sees_their_brand_and_their_own_actions_only(self, client, db):
        w = await build_world(client, db)
        await w.call("admin", "PATCH", f"/api/v1/brands/{w.b.brand.id}", json={"name": "Bravo Royale"})
        r = await w.call("supervisor", "GET", "/api/v1/audit?limit=500")
        entries = r.json()["items"]
        assert entries and all(e["brand_id"] == w.a.brand.id or e["actor_user_id"] == w.users["supervisor"].id
                               for e in entries)
        assert "brand.updated" not in [e["action"] for e in entries]
        asked = await w.call("supervisor", "GET", f"/api/v1/audit?brand_id={w.b.brand.id}")
        assert asked.json()["items"] == []

    async def test_a_time_without_zone_is_400(self, client, db):
        w = await build_world(client, db)
        r = await w.call("admin", "GET", "/api/v1/audit?since=2026-01-01T00:00:00")
        assert r.status_code == 400 and r.json()["error"]["code"] == "naive_datetime"
        assert "since" in r.json()["error"]["message"]


class TestVerify:
    async def test_intact_chain(self, client, db):
        w = await build_world(client, db)
        r = await w.call("supervisor", "GET", "/api/v1/audit/verify")
        assert r.status_code == 200
        total = len((await w.call("admin", "GET", "/api/v1/audit?limit=500")).json()["items"])
        assert r.json() == {"intact": True, "entries": total, "first_broken_id": None}

    async def test_an_edited_entry_is_named(self, client, db):
        w = await build_world(client, db)
        target = (await w.call("admin", "GET", "/api/v1/audit?action=brand.created")).json()["items"][0]["id"]
        async with db.transaction() as s:
            await s.execute(update(AuditEntry).where(AuditEntry.id == target).values(actor="someone-else"))
        r = await w.call("admin", "GET", "/api/v1/audit/verify")
        assert r.json()["intact"] is False and r.json()["first_broken_id"] == target
