"""Web chat: sessions, identity signatures, messages, idempotency, history."""

from __future__ import annotations

from sqlalchemy import func, select

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
