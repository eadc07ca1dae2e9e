"""Console flows and test data for the console tests, driven over HTTP and through the services."""

from __future__ import annotations

import re

import httpx

from croupier.auth.service import SESSION_COOKIE
from croupier.conversation.service import conversation_service
from croupier.db import Database
from croupier.kit import secrets
from croupier.models import Brand, Channel, ChannelType, Conversation
from croupier.player.service import player_service

HTMX = {"HX-Request": "true"}


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden field {name}"
    return match.group(1)


async def login(client: httpx.AsyncClient, email: str, password: str, **extra: str) -> httpx.Response:
    page = await client.get("/console/login")
    assert page.status_code == 200
    data = {"email": email, "password": password, "csrf_token": hidden(page.text, "csrf_token"), **extra}
    return await client.post("/console/login", data=data)


async def submit_code(client: httpx.AsyncClient, code: str) -> httpx.Response:
    page = await client.get("/console/login/code")
    assert page.status_code == 200, page.text
    return await client.post("/console/login/code", data={"code": code, "csrf_token": hidden(page.text, "csrf_token")})


def session_cookie(client: httpx.AsyncClient) -> str | None:
    return client.cookies.get(SESSION_COOKIE, path="/console")


async def add_channel(db: Database, brand: Brand, type_: ChannelType, name: str) -> Channel:
    async with db.transaction() as session:
        channel = Channel(brand_id=brand.id, type=type_, name=name, key=f"{type_.value}_{secrets.token(8)}",
                          secret=secrets.token(16), config={})
        session.add(channel)
    return channel


async def conversation_from(db: Database, channel: Channel, body: str, *, who: str | None = None,
                            name: str | None = None, language: str | None = None) -> Conversation:
    """A player's first message on `channel`, received the way every channel delivers one."""
    async with db.transaction() as session:
        identity = await player_service.resolve_identity(session, channel, who or f"ext-{secrets.token(6)}",
                                                         display_name=name)
        message, _created = await conversation_service.receive(session, channel=channel, identity=identity,
                                                               body=body, language=language)
        conversation = await session.get(Conversation, message.conversation_id)
    return conversation
