"""Nothing acknowledged is lost: a player's message is committed before its 2xx, and survives SIGKILL.

The crash test drives a real `croupier serve` (two workers, live fan-out through Redis) over loopback
with concurrent widget clients, kills the whole process group at a random moment while requests are in
flight, restarts it, and checks the database: every acknowledged message is stored exactly once, and
every message that was not acknowledged is stored exactly once after it is retried with its client_id.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from dataclasses import dataclass, field

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine

from croupier.models import AuthorType, Conversation, Message
from tests.factories import make_brand, player_says, widget_session
from tests.servers import CroupierProcess

CLIENTS = 8
ROUNDS = 3


class TestAcknowledgedMeansCommitted:
    async def test_the_message_is_readable_by_another_connection_when_the_response_starts(
            self, app, client, db, database_url):
        _brand, channel = await make_brand(db)
        token = await widget_session(client, channel)
        observer = create_async_engine(database_url)
        stack = app.build_middleware_stack()
        seen: list[int] = []

        async def observing(scope, receive, send):  # noqa: ANN001
            async def checking_send(message):  # noqa: ANN001
                if message["type"] == "http.response.start":
                    async with observer.connect() as conn:
                        seen.extend(await conn.scalars(select(Message.id).where(Message.client_id == "ack-1")))
                await send(message)

            await stack(scope, receive, checking_send)

        app.middleware_stack = observing
        try:
            response = await client.post("/api/widget/v1/messages", json={"body": "hello", "client_id": "ack-1"},
                                         headers={"Authorization": f"Bearer {token}"})
        finally:
            await observer.dispose()
        assert response.status_code == 201
        assert seen == [response.json()["id"]]


class TestRetriesRacingTheOriginal:
    async def _send_together(self, client, token: str, copies: int) -> list[httpx.Response]:  # noqa: ANN001
        return await asyncio.gather(*(client.post("/api/widget/v1/messages",
                                                  json={"body": "where is my money?", "client_id": "race-1"},
                                                  headers={"Authorization": f"Bearer {token}"})
                                      for _ in range(copies)))

    async def _stored(self, db) -> list[tuple[int, str]]:  # noqa: ANN001
        async with db.transaction() as session:
            return list(await session.execute(select(Message.conversation_id, Message.body)
                                              .where(Message.client_id == "race-1")))

    async def test_copies_of_a_later_message_are_stored_once(self, client, db):
        _brand, channel = await make_brand(db)
        token = await widget_session(client, channel)
        await player_says(client, token, "hello", client_id="first")
        responses = await self._send_together(client, token, 5)
        assert sorted(r.status_code for r in responses) == [200, 200, 200, 200, 201]
        assert len({r.json()["id"] for r in responses}) == 1
        assert len(await self._stored(db)) == 1

    async def test_copies_of_a_first_message_open_one_conversation(self, client, db):
        _brand, channel = await make_brand(db)
        token = await widget_session(client, channel)
        responses = await self._send_together(client, token, 5)
        assert sorted(r.status_code for r in responses) == [200, 200, 200, 200, 201]
        assert len(await self._stored(db)) == 1
        async with db.transaction() as session:
            assert await session.scalar(select(func.count()).select_from(Conversation)) == 1


@dataclass
class Player:
    name: str
    token: str = ""
    sent: int = 0
    acked: dict[str, str] = field(default_factory=dict)  # client_id -> body
    unacked: dict[str, str] = field(default_factory=dict)

    def next_message(self) -> tuple[str, str]:
        self.sent += 1
        return f"{self.name}-{self.sent}", f"message {self.sent} from {self.name}"


async def _send(http: httpx.AsyncClient, player: Player, client_id: str, body: str) -> bool:
    try:
        r = await http.post("/api/widget/v1/messages", json={"body": body, "client_id": client_id},
                            headers={"Authorization": f"Bearer {player.token}"})
    except httpx.HTTPError:
        r = None
    if r is not None and r.status_code in (200, 201):
        player.acked[client_id] = body
        player.unacked.pop(client_id, None)
        return True
    player.unacked[client_id] = body
    return False


async def _retry_unacked(http: httpx.AsyncClient, player: Player) -> bool:
    for client_id, body in list(player.unacked.items()):
        if not await _send(http, player, client_id, body):
            return False
    return True


async def _chat_until_down(server: CroupierProcess, player: Player) -> None:
    """Send one message after another (first the ones never acknowledged) until the server dies."""
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
        if await _retry_unacked(http, player):
            while await _send(http, player, *player.next_message()):
                pass


def _acked(players: list[Player]) -> int:
    return sum(len(p.acked) for p in players)


async def _round(server: CroupierProcess, players: list[Player], rng: random.Random) -> None:
    """Chat until traffic flows (every client has sent a couple of messages' worth), then kill -9 at a random
    moment soon after: each client has a request in flight or is about to send one."""
    flowing = _acked(players) + 2 * len(players)
    chatting = [asyncio.create_task(_chat_until_down(server, p)) for p in players]

    async def traffic() -> None:
        while _acked(players) < flowing:
            await asyncio.sleep(0.01)

    await asyncio.wait_for(traffic(), 30)
    await asyncio.sleep(rng.uniform(0, 0.5))
    await asyncio.to_thread(server.kill9)
    await asyncio.wait_for(asyncio.gather(*chatting), 30)
    assert all(p.unacked for p in players), "every client had a request cut off"


class TestSigkillWhileChatting:
    async def test_every_acknowledged_message_survives_and_retries_are_stored_once(
            self, db, database_url, redis_url, tmp_path):
        _brand, channel = await make_brand(db)
        env = {"CROUPIER_DATABASE_URL": database_url, "CROUPIER_DATA_DIR": str(tmp_path / "server"),
               "CROUPIER_SECRET_KEY": "durability-secret-key-0123456789", "CROUPIER_REDIS_URL": redis_url,
               "CROUPIER_ENVIRONMENT": "production", "CROUPIER_WIDGET_RATE_LIMIT": "100000/minute"}
        rng = random.Random()
        players = [Player(f"p{i}") for i in range(CLIENTS)]

        server = await asyncio.to_thread(CroupierProcess(env, workers=2).start)
        try:
            async with httpx.AsyncClient(base_url=server.url) as http:
                for p in players:
                    p.token = await widget_session(http, channel)
            for _ in range(ROUNDS):
                await _round(server, players, rng)
                server = await asyncio.to_thread(CroupierProcess(env, workers=2).start)
            async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
                for p in players:
                    assert await _retry_unacked(http, p), f"{p.name}: a retry was refused: {p.unacked}"
        finally:
            await asyncio.to_thread(server.stop)

        attempted = {cid: body for p in players for cid, body in p.acked.items()}
        assert not any(p.unacked for p in players)
        assert len(attempted) == sum(p.sent for p in players) >= ROUNDS * 2 * CLIENTS
        async with db.transaction() as session:
            stored = list(await session.execute(select(Message.client_id, Message.body)
                                                .where(Message.author_type == AuthorType.player)))
        counts = Counter(cid for cid, _ in stored)
        assert [cid for cid, n in counts.items() if n > 1] == []
        assert dict(stored) == attempted
