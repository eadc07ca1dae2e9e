"""Players over the API: filtered lists with a cursor, the player's identities and conversations, merging."""

from __future__ import annotations

from sqlalchemy import select

from croupier.models import AuditEntry, Conversation, Player, PlayerIdentity
from croupier.player.service import player_service
from tests.api.world import build_world, count, row
from tests.factories import player_says, widget_session


async def _player(db, channel, visitor: str, *, external_id: str | None = None, email: str | None = None) -> int:
    async with db.transaction() as s:
        identity = await player_service.resolve_identity(s, channel, visitor, player_external_id=external_id,
                                                         email=email, display_name=visitor)
        return identity.player_id


class TestList:
    async def test_filters_by_brand_external_id_and_email(self, client, db):
        w = await build_world(client, db)
        anna = await _player(db, w.a.channel, "anna", external_id="P-9", email="Anna@Example.test")
        await _player(db, w.b.channel, "boris", external_id="P-9")

        by_brand = await w.call("admin", "GET", f"/api/v1/players?brand_id={w.b.brand.id}")
        assert {p["brand_id"] for p in by_brand.json()["items"]} == {w.b.brand.id}
        by_external = await w.call("admin", "GET", "/api/v1/players?external_id=P-9")
        assert sorted(p["brand_id"] for p in by_external.json()["items"]) == [w.a.brand.id, w.b.brand.id]
        by_email = await w.call("admin", "GET", "/api/v1/players?email=anna@example.TEST")
        assert [p["id"] for p in by_email.json()["items"]] == [anna]
        scoped = await w.call("agent_a", "GET", "/api/v1/players?external_id=P-9")
        assert [p["id"] for p in scoped.json()["items"]] == [anna]

    async def test_cursor_walks_every_player_once(self, client, db):
        w = await build_world(client, db)
        made = [await _player(db, w.a.channel, f"v{i}") for i in range(4)]
        seen, cursor = [], None
        while True:
            r = await w.call("agent_a", "GET", "/api/v1/players?limit=2" + (f"&cursor={cursor}" if cursor else ""))
            assert r.status_code == 200 and len(r.json()["items"]) <= 2
            seen += [p["id"] for p in r.json()["items"]]
            cursor = r.json()["next_cursor"]
            if cursor is None:
                break
        assert seen == sorted(made + [w.a.player_id], reverse=True)

    async def test_merged_players_are_not_listed(self, client, db):
        w = await build_world(client, db)
        ghost = await _player(db, w.a.channel, "ghost")
        await w.call("agent_a", "POST", f"/api/v1/players/{ghost}/merge", json={"into": w.a.player_id})
        r = await w.call("agent_a", "GET", "/api/v1/players")
        assert ghost not in [p["id"] for p in r.json()["items"]]


class TestDetail:
    async def test_player_with_identities_and_conversations(self, client, db):
        w = await build_world(client, db)
        r = await w.call("agent_a", "GET", f"/api/v1/players/{w.a.player_id}")
        assert r.status_code == 200
        body = r.json()
        assert body["external_id"] == "A-1" and body["display_name"] == "Player A-1"
        [identity] = body["identities"]
        assert identity["channel_type"] == "webchat" and identity["channel_id"] == w.a.channel.id
        assert [c["id"] for c in body["conversations"]] == [w.a.conversation_id]


class TestMerge:
    async def test_merge_moves_identities_and_conversations(self, client, db):
        w = await build_world(client, db)
        token = await widget_session(client, w.a.channel, player_id="A-2", name="Second record")
        sent = await player_says(client, token, "It is me again")
        async with db.transaction() as s:
            source = (await s.get(Conversation, sent["conversation_id"])).player_id
        r = await w.call("agent_a", "POST", f"/api/v1/players/{source}/merge", json={"into": w.a.player_id})
        assert r.status_code == 200
        body = r.json()
        assert body["id"] == w.a.player_id and len(body["identities"]) == 2
        assert {c["id"] for c in body["conversations"]} == {w.a.conversation_id, sent["conversation_id"]}
        assert (await row(db, Player, source))["merged_into_id"] == w.a.player_id
        gone = await w.call("agent_a", "GET", f"/api/v1/players/{source}")
        assert gone.status_code == 404
        async with db.transaction() as s:
            entry = await s.scalar(select(AuditEntry).where(AuditEntry.action == "player.merged"))
            assert entry.details["source_player_id"] == source and entry.target_id == str(w.a.player_id)

    async def test_merging_into_itself_is_400_and_nothing_moves(self, client, db):
        w = await build_world(client, db)
        before = await row(db, Player, w.a.player_id)
        r = await w.call("agent_a", "POST", f"/api/v1/players/{w.a.player_id}/merge", json={"into": w.a.player_id})
        assert r.status_code == 400 and r.json()["error"]["code"] == "merge_same_player"
        assert await row(db, Player, w.a.player_id) == before

    async def test_merging_across_brands_is_400_and_nothing_moves(self, client, db):
        w = await build_world(client, db)
        identities = await count(db, PlayerIdentity)
        before = await row(db, Player, w.b.player_id)
        r = await w.call("admin", "POST", f"/api/v1/players/{w.b.player_id}/merge", json={"into": w.a.player_id})
        assert r.status_code == 400 and r.json()["error"]["code"] == "merge_across_brands"
        assert await row(db, Player, w.b.player_id) == before and await count(db, PlayerIdentity) == identities

    async def test_merging_into_another_brands_player_is_404_for_an_agent(self, client, db):
        w = await build_world(client, db)
        before = await row(db, Player, w.a.player_id)
        r = await w.call("agent_a", "POST", f"/api/v1/players/{w.a.player_id}/merge", json={"into": w.b.player_id})
        assert r.status_code == 404 and r.json()["error"]["message"] == f"There is no player {w.b.player_id}."
        assert await row(db, Player, w.a.player_id) == before

    async def test_missing_into_is_422(self, client, db):
        w = await build_world(client, db)
        r = await w.call("agent_a", "POST", f"/api/v1/players/{w.a.player_id}/merge", json={"target": 1})
        assert r.status_code == 422 and {f["field"] for f in r.json()["error"]["fields"]} == {"into", "target"}
