"""The widget's message fast path (PostgreSQL): it answers the simple case exactly as the full route would,
and hands every other case, untouched, to the full route."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select, update

from croupier.channels.webchat.service import webchat_service
from croupier.live import get_hub
from croupier.models import Conversation, Message, Status
from tests.factories import make_brand, player_says, widget_session


@pytest.fixture
def full_route(monkeypatch):
    """Counts the requests the full route stores (the real service still does the work)."""
    calls = []
    original = webchat_service.post

    async def post(*args, **kwargs):
        calls.append(kwargs.get("client_id"))
        return await original(*args, **kwargs)

    monkeypatch.setattr(webchat_service, "post", post)
    return calls


async def _send(client, token, body, client_id, **extra):
    return await client.post("/api/widget/v1/messages", json={"body": body, "client_id": client_id, **extra},
                             headers={"Authorization": f"Bearer {token}"})


async def _open_conversation(client, db, name="Anna"):
    _brand, channel = await make_brand(db)
    token = await widget_session(client, channel, player_id="P-7", name=name)
    first = await player_says(client, token, "hello", client_id="first")
    return token, first["conversation_id"]


class TestSimpleCase:
    async def test_a_message_to_the_open_conversation_is_stored_as_the_full_route_would(
            self, client, db, full_route):
        token, conversation_id = await _open_conversation(client, db)
        r = await _send(client, token, "  Where is my withdrawal?  ", "second", locale="pl-PL")
        assert r.status_code == 201
        out = r.json()
        assert out["body"] == "Where is my withdrawal?" and out["author_type"] == "player"
        assert out["conversation_id"] == conversation_id and out["client_id"] == "second"
        assert out["delivery_state"] == "received" and out["is_private"] is False and out["attachments"] == []
        fast = db.sqlite is False
        assert full_route == (["first"] if fast else ["first", "second"])
        async with db.transaction() as s:
            conv = await s.get(Conversation, conversation_id)
            stored = await s.get(Message, out["id"])
        assert conv.message_count == 2 and conv.preview == "Where is my withdrawal?"
        assert conv.language == "pl"  # the first message that names its language sets it
        assert conv.last_message_at == conv.last_player_message_at == stored.created_at
        assert stored.body == out["body"] and stored.client_id == "second"
        assert stored.created_at.isoformat().replace("+00:00", "Z") == out["created_at"]

    async def test_agents_get_the_same_live_event(self, client, db):
        token, conversation_id = await _open_conversation(client, db, name="Anna K")
        async with get_hub().subscribe(lambda e: e.type == "message.created") as sub:
            r = await _send(client, token, "are you there?", "second")
            event = await asyncio.wait_for(sub.queue.get(), 5)
        assert event.conversation_id == conversation_id and event.to_staff and event.to_player
        assert event.data["status"] == "open"
        assert event.data["message"] == {**r.json(), "author_name": "Anna K"}

    async def test_a_repeated_client_id_changes_nothing(self, client, db):
        token, conversation_id = await _open_conversation(client, db)
        first = await _send(client, token, "one", "dup")
        again = await _send(client, token, "one", "dup")
        assert first.status_code == 201 and again.status_code == 200 and again.json()["id"] == first.json()["id"]
        async with db.transaction() as s:
            assert (await s.get(Conversation, conversation_id)).message_count == 2
            assert await s.scalar(select(func.count()).select_from(Message)) == 2


class TestEverythingElseTakesTheFullRoute:
    async def test_a_resolved_conversation_is_reopened(self, client, db, full_route):
        token, conversation_id = await _open_conversation(client, db)
        async with db.transaction() as s:
            await s.execute(update(Conversation).values(status=Status.resolved))
        r = await _send(client, token, "it happened again", "again")
        assert r.status_code == 201 and full_route == ["first", "again"]
        async with db.transaction() as s:
            conv = await s.get(Conversation, conversation_id)
        assert conv.status == Status.open and conv.reopened_count == 1

    async def test_a_message_without_client_id(self, client, db, full_route):
        token, _conversation_id = await _open_conversation(client, db)
        r = await _send(client, token, "no id", None)
        assert r.status_code == 201 and full_route == ["first", None]

    @pytest.mark.parametrize(("body", "status", "code"), [
        (b'{"body": "x", "client_id": "a"', 400, "malformed_json"),
        (b'{"body": "   ", "client_id": "a"}', 400, "empty_message"),
        (b'{"body": "x", "client_id": "a", "admin": true}', 422, None),
    ])
    async def test_bad_input_gets_the_full_routes_error(self, client, db, body, status, code):
        token, conversation_id = await _open_conversation(client, db)
        r = await client.post("/api/widget/v1/messages", content=body,
                              headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        assert r.status_code == status, r.text
        if code:
            assert r.json()["error"]["code"] == code
        async with db.transaction() as s:
            assert (await s.get(Conversation, conversation_id)).message_count == 1

    async def test_a_forged_token_is_refused(self, client, db):
        token, _ = await _open_conversation(client, db)
        forged = token[:-2] + ("00" if not token.endswith("00") else "11")
        r = await _send(client, forged, "hi", "x")
        assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_widget_token"

    async def test_the_rate_limit_holds(self, client, db, monkeypatch):
        monkeypatch.setenv("CROUPIER_WIDGET_RATE_LIMIT", "3/minute")
        from croupier.config import get_settings
        get_settings.cache_clear()
        token, _ = await _open_conversation(client, db)
        codes = [(await _send(client, token, f"m{i}", f"c{i}")).status_code for i in range(4)]
        assert codes == [201, 201, 429, 429]
        async with db.transaction() as s:
            assert await s.scalar(select(func.count()).select_from(Message)) == 3
