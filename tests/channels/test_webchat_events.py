"""The widget's live stream (server-sent events over a real HTTP connection) and typing, both ways."""

from __future__ import annotations

import asyncio

import httpx

from croupier.conversation.service import conversation_service
from croupier.live import get_hub
from croupier.models import Role
from tests.channels.conftest import EventStream
from tests.factories import make_brand, make_user, player_says, principal_of, widget_session


async def _agent(db, brand):
    user = await make_user(db, "agent@lucky.test", Role.agent, [brand], name="Maria Nowak")
    return await principal_of(db, user)


class TestStream:
    async def test_an_agent_reply_arrives_but_private_notes_and_other_visitors_do_not(self, client, db, live_url):
        brand, channel = await make_brand(db)
        agent = await _agent(db, brand)
        token = await widget_session(client, channel)
        stranger = await widget_session(client, channel)
        sent = await player_says(client, token, "Where is my withdrawal?")
        async with httpx.AsyncClient(base_url=live_url) as http, \
                http.stream("GET", "/api/widget/v1/events", params={"token": token}) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            stream = EventStream(response)
            assert (await stream.next())[0] == "ready"
            async with db.transaction() as s:
                await conversation_service.reply(s, agent, sent["conversation_id"], "KYC checked, all fine",
                                                 private=True)
            await player_says(client, stranger, "I am another visitor")
            async with db.transaction() as s:
                await conversation_service.reply(s, agent, sent["conversation_id"], "It is on its way!",
                                                 author_name="Maria")
            event, data = await stream.next()
        assert event == "message.created"
        assert data["message"]["body"] == "It is on its way!" and data["message"]["author_type"] == "agent"
        assert data["message"]["author_name"] == "Maria" and data["status"] == "open"

    async def test_the_players_own_message_comes_back_for_their_other_tabs(self, client, db, live_url):
        _brand, channel = await make_brand(db)
        token = await widget_session(client, channel)
        async with httpx.AsyncClient(base_url=live_url) as http, \
                http.stream("GET", "/api/widget/v1/events", params={"token": token}) as response:
            stream = EventStream(response)
            await stream.next()
            await player_says(client, token, "hello from tab one", client_id="tab1-1")
            event, data = await stream.next()
        assert event == "message.created" and data["message"]["client_id"] == "tab1-1"

    async def test_the_agent_typing_reaches_the_player(self, client, db, live_url):
        brand, channel = await make_brand(db)
        agent = await _agent(db, brand)
        token = await widget_session(client, channel)
        sent = await player_says(client, token, "hi")
        async with httpx.AsyncClient(base_url=live_url) as http, \
                http.stream("GET", "/api/widget/v1/events", params={"token": token}) as response:
            stream = EventStream(response)
            await stream.next()
            async with db.transaction() as s:
                await conversation_service.agent_typing(s, agent, sent["conversation_id"], True)
            event, data = await stream.next()
        assert (event, data) == ("typing", {"who": "agent", "typing": True})

    async def test_a_forged_token_gets_no_stream(self, client, db, live_url):
        async with httpx.AsyncClient(base_url=live_url) as http:
            r = await http.get("/api/widget/v1/events", params={"token": "wc1.1.forged"})
        assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_widget_token"


class TestCatchingUp:
    async def test_history_after_the_last_seen_id_has_only_what_was_missed(self, client, db):
        brand, channel = await make_brand(db)
        agent = await _agent(db, brand)
        token = await widget_session(client, channel)
        first = await player_says(client, token, "first")
        async with db.transaction() as s:
            await conversation_service.reply(s, agent, first["conversation_id"], "reply while offline")
            await conversation_service.reply(s, agent, first["conversation_id"], "a note", private=True)
        missed = await client.get("/api/widget/v1/messages", params={"after": first["id"]},
                                  headers={"Authorization": f"Bearer {token}"})
        assert [m["body"] for m in missed.json()] == ["reply while offline"]
        assert missed.json()[0]["author_name"] == "Maria"


class TestPlayerTyping:
    async def test_typing_is_published_to_the_agents_only(self, client, db):
        _brand, channel = await make_brand(db)
        token = await widget_session(client, channel)
        sent = await player_says(client, token, "hi")
        async with get_hub().subscribe(lambda e: e.type == "typing") as sub:
            r = await client.post("/api/widget/v1/typing", json={"typing": True},
                                  headers={"Authorization": f"Bearer {token}"})
            event = await asyncio.wait_for(sub.queue.get(), 2)
        assert r.status_code == 204
        assert event.conversation_id == sent["conversation_id"] and event.data == {"who": "player", "typing": True}
        assert event.to_staff and not event.to_player

    async def test_typing_before_any_message_publishes_nothing(self, client, db):
        _brand, channel = await make_brand(db)
        token = await widget_session(client, channel)
        async with get_hub().subscribe(lambda e: True) as sub:
            r = await client.post("/api/widget/v1/typing", json={"typing": True},
                                  headers={"Authorization": f"Bearer {token}"})
            assert r.status_code == 204 and sub.queue.empty()

    async def test_a_malformed_typing_payload_is_refused(self, client, db):
        _brand, channel = await make_brand(db)
        token = await widget_session(client, channel)
        r = await client.post("/api/widget/v1/typing", json={"typing": "maybe", "extra": 1},
                              headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 422 and {f["field"] for f in r.json()["error"]["fields"]} == {"typing", "extra"}
