"""A small operator for API tests: two brands (A and B), staff of every role, a token each, and a
conversation with an attachment in each brand, all made through the product's own services and APIs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import func, select

from croupier.db import Database
from croupier.models import Brand, Channel, Role, User
from tests.factories import api_token, make_brand, make_user, player_says, widget_session

READ_SCOPES = ["brands:read", "players:read", "conversations:read", "users:read", "audit:read", "kb:read"]
ACTORS = ("admin", "supervisor", "agent_a", "agent_b", "readonly")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Side:
    """One brand with its web chat channel, a signed-in player's conversation and a file in it."""

    brand: Brand
    channel: Channel
    widget_token: str
    conversation_id: int
    player_id: int
    attachment_id: int


@dataclass
class World:
    client: httpx.AsyncClient
    db: Database
    a: Side
    b: Side
    users: dict[str, User]
    tokens: dict[str, str]
    extra: dict[str, Any] = field(default_factory=dict)

    def headers(self, actor: str) -> dict[str, str]:
        return bearer(self.tokens[actor])

    async def call(self, actor: str, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return await self.client.request(method, url, headers=self.headers(actor), **kwargs)


async def make_side(client: httpx.AsyncClient, db: Database, slug: str, name: str, player: str) -> Side:
    brand, channel = await make_brand(db, slug=slug, name=name)
    token = await widget_session(client, channel, player_id=player, name=f"Player {player}")
    sent = await player_says(client, token, f"Hello from {slug}", client_id=f"{slug}-1")
    upload = await client.post("/api/widget/v1/attachments", headers=bearer(token),
                               files={"file": ("receipt.txt", b"deposit receipt 42", "text/plain")})
    assert upload.status_code == 201, upload.text
    detail = await client.get("/api/widget/v1/messages", headers=bearer(token))
    assert detail.status_code == 200
    from croupier.models import Conversation

    async with db.transaction() as s:
        conversation = await s.get(Conversation, sent["conversation_id"])
        player_id = conversation.player_id
    return Side(brand=brand, channel=channel, widget_token=token, conversation_id=sent["conversation_id"],
                player_id=player_id, attachment_id=upload.json()["attachments"][0]["id"])


async def build_world(client: httpx.AsyncClient, db: Database) -> World:
    a = await make_side(client, db, "alpha", "Alpha Casino", "A-1")
    b = await make_side(client, db, "bravo", "Bravo Casino", "B-1")
    users = {
        "admin": await make_user(db, "admin@example.test", Role.admin),
        "supervisor": await make_user(db, "sup.a@example.test", Role.supervisor, [a.brand]),
        "agent_a": await make_user(db, "agent.a@example.test", Role.agent, [a.brand]),
        "agent_b": await make_user(db, "agent.b@example.test", Role.agent, [b.brand]),
    }
    tokens = {name: await api_token(db, user) for name, user in users.items()}
    tokens["readonly"] = await api_token(db, users["admin"], READ_SCOPES)
    return World(client=client, db=db, a=a, b=b, users=users, tokens=tokens)


async def count(db: Database, model: Any) -> int:
    async with db.transaction() as s:
        return await s.scalar(select(func.count()).select_from(model))


async def row(db: Database, model: Any, id_: Any) -> dict[str, Any]:
    """Every column of one stored row, to compare before and after a refused request."""
    async with db.transaction() as s:
        obj = await s.get(model, id_)
        return {c.key: getattr(obj, c.key) for c in model.__table__.columns}
