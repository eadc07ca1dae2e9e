"""Web chat: sessions, identity signatures, messages, idempotency, history."""

from __future__ import annotations

from sqlalchemy import func, select

from croupier.channels.webchat.service import identity_signature
from croupier.models import Conversation, Message, Player, PlayerIdentity, Status
from tests.factories import make_brand, player_says, widget_session


class TestAnonymousVisitor:
    async def test_first_message_opens_a_conversation(self, client, db):
        _brand, channel = await make_brand(db)
        token = await widget_session(client, channel)
        sent = await player_says(client, token, "Where is my withdrawal?", client_id="c1")
        async with db.transaction() as s:
            conv = await s.get(Conversation, sent["conversation_id"])
            assert conv.status == Status.open and conv.message_count == 1
            assert conv.preview == "Where is my withdrawal?"

    async def test_retried_send_is_stored_once(self, client, db):
        _brand, channel = await make_brand(db)
        token = await widget_session(client, channel)
        first = await player_says(client, token, "hello", client_id="same")
        again = await client.post("/api/widget/v1/messages", json={"body": "hello", "client_id": "same"},
                                  headers={"Authorization": f"Bearer {token}"})
        assert again.status_code == 200 and again.json()["id"] == first["id"]
        async with db.transaction() as s:
            assert await s.scalar(select(func.count()).select_from(Message)) == 1

    async def test_history_survives_a_new_page_load(self, client, db):
        _brand, channel = await make_brand(db)
        token = await widget_session(client, channel)
        await player_says(client, token, "one")
        resumed = await client.post("/api/widget/v1/sessions", json={"key": channel.key, "token": token})
        assert resumed.json()["token"] == token
        history = await client.get("/api/widget/v1/messages", headers={"Authorization": f"Bearer {token}"})
        assert [m["body"] for m in history.json()] == ["one"]


class TestSignedPlayer:
    async def test_valid_signature_links_to_the_operator_player(self, client, db):
        _brand, channel = await make_brand(db)
        token = await widget_session(client, channel, player_id="P-1001", name="Anna")
        await player_says(client, token, "hi")
        async with db.transaction() as s:
            player = await s.scalar(select(Player).where(Player.external_id == "P-1001"))
            assert player is not None and player.display_name == "Anna"

    async def test_forged_signature_is_refused_and_nothing_is_stored(self, client, db):
        _brand, channel = await make_brand(db)
        r = await client.post("/api/widget/v1/sessions", json={
            "key": channel.key, "player": {"id": "P-1", "signature": "0" * 64}})
        assert r.status_code == 401 and r.json()["error"]["code"] == "identity_signature_invalid"
        async with db.transaction() as s:
            assert await s.scalar(select(func.count()).select_from(PlayerIdentity)) == 0

    async def test_tampered_token_is_refused(self, client, db):
        _brand, channel = await make_brand(db)
        token = await widget_session(client, channel)
        ident, mac = token.rsplit(".", 1)
        r = await client.post("/api/widget/v1/messages", json={"body": "x"},
                              headers={"Authorization": f"Bearer {ident}.{'a' * len(mac)}"})
        assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_widget_token"


class TestLoggingIn:
    async def test_a_visitor_who_logs_in_keeps_the_conversation(self, client, db):
        _brand, channel = await make_brand(db)
        visitor = await widget_session(client, channel)
        before = await player_says(client, visitor, "my deposit is missing")
        r = await client.post("/api/widget/v1/sessions", json={
            "key": channel.key, "token": visitor,
            "player": {"id": "P-7", "signature": identity_signature(channel.secret, "P-7"), "name": "Anna"}})
        assert r.status_code == 200 and r.json()["player_name"] == "Anna"
        player = r.json()["token"]
        after = await player_says(client, player, "I am logged in now")
        assert after["conversation_id"] == before["conversation_id"]
        history = await client.get("/api/widget/v1/messages", headers={"Authorization": f"Bearer {player}"})
        assert [m["body"] for m in history.json()] == ["my deposit is missing", "I am logged in now"]
        async with db.transaction() as s:
            conv = await s.get(Conversation, before["conversation_id"])
            owner = await s.get(Player, conv.player_id)
            assert owner.external_id == "P-7"

    async def test_another_players_login_does_not_take_over_a_players_conversation(self, client, db):
        _brand, channel = await make_brand(db)
        first = await widget_session(client, channel, player_id="P-1", name="First")
        mine = await player_says(client, first, "private matter")
        r = await client.post("/api/widget/v1/sessions", json={
            "key": channel.key, "token": first,
            "player": {"id": "P-2", "signature": identity_signature(channel.secret, "P-2")}})
        second = r.json()["token"]
        history = await client.get("/api/widget/v1/messages", headers={"Authorization": f"Bearer {second}"})
        assert r.status_code == 200 and second != first and history.json() == []
        async with db.transaction() as s:
            conv = await s.get(Conversation, mine["conversation_id"])
            assert (await s.get(Player, conv.player_id)).external_id == "P-1"


class TestBadMessages:
    async def test_an_empty_or_oversized_message_is_refused_and_nothing_changes(self, client, db):
        _brand, channel = await make_brand(db)
        token = await widget_session(client, channel)
        await player_says(client, token, "kept")
        auth = {"Authorization": f"Bearer {token}"}
        blank = await client.post("/api/widget/v1/messages", json={"body": "   "}, headers=auth)
        assert blank.status_code == 400 and blank.json()["error"]["code"] == "empty_message"
        huge = await client.post("/api/widget/v1/messages", json={"body": "x" * 10_001}, headers=auth)
        assert huge.status_code == 422 and huge.json()["error"]["fields"][0]["field"] == "body"
        bad_id = await client.post("/api/widget/v1/messages", json={"body": "hi", "client_id": "a b"}, headers=auth)
        assert bad_id.status_code == 422
        history = await client.get("/api/widget/v1/messages", headers=auth)
        assert [m["body"] for m in history.json()] == ["kept"]
