"""The console's live stream, read from a real server process: new messages arrive, scoped by brand."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from croupier.models import Role
from tests.factories import console_session, make_brand, make_user, player_says, widget_session
from tests.servers import CroupierProcess


@pytest.fixture
def server(settings_env, db):
    process = CroupierProcess(settings_env)
    yield process
    process.stop()


async def next_event(lines, wanted: str) -> dict:
    event = None
    async for line in lines:
        if line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: ") and event == wanted:
            return json.loads(line[6:])
    raise AssertionError(f"the stream ended before {wanted}")


async def test_stream_carries_new_player_messages_of_the_agents_brands_only(server, db):
    lucky, lucky_chat = await make_brand(db, "lucky", "Lucky Star")
    _royal, royal_chat = await make_brand(db, "royal", "Royal Spin")
    agent = await make_user(db, "agent@lucky.test", Role.agent, [lucky])
    server.start()
    async with httpx.AsyncClient(base_url=server.url, timeout=20) as http:
        await console_session(http, db, agent)
        lucky_player = await widget_session(http, lucky_chat)
        royal_player = await widget_session(http, royal_chat)
        async with http.stream("GET", "/console/events") as stream:
            assert stream.status_code == 200
            assert stream.headers["content-type"].startswith("text/event-stream")
            lines = stream.aiter_lines()
            await asyncio.wait_for(next_event(lines, "ready"), 10)
            await player_says(http, royal_player, "Royal question")
            sent = await player_says(http, lucky_player, "Lucky question")
            data = await asyncio.wait_for(next_event(lines, "message.created"), 10)
    assert data["conversation_id"] == sent["conversation_id"]
    assert data["message"]["body"] == "Lucky question" and data["message"]["author_type"] == "player"


async def test_stream_needs_a_session(server, db):
    server.start()
    async with httpx.AsyncClient(base_url=server.url, timeout=20) as http:
        r = await http.get("/console/events", headers={"accept": "text/event-stream"})
    assert r.status_code == 401
