"""Benchmark data: a brand with its web chat channel, an agent (console session + API token), and N
conversations with one player message each, inserted in bulk (INSERT ... SELECT), not one request each."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import case, insert, literal, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.auth.service import SESSION_COOKIE, auth_service
from croupier.auth.tokens import token_service
from croupier.auth.users import user_service
from croupier.brand import repository as brands
from croupier.brand.schemas import BrandIn
from croupier.brand.service import brand_service
from croupier.config import Settings
from croupier.db import Database
from croupier.kit.clock import utcnow
from croupier.models import Conversation, Message, Player, PlayerIdentity, Role

CHUNK = 5_000
STATUSES = ("open", "open", "open", "open", "open", "open", "pending", "pending", "resolved", "closed")
LANGUAGES = ("en", "ru", "pl", "az", "fi")


@dataclass
class Seeded:
    channel_key: str
    console_cookie: str  # "name=value" for the Cookie header
    api_token: str


async def settle(db: Database) -> None:
    """Statistics for the planner, and what was seeded written out of the WAL, before measuring."""
    async with db.engine.connect() as conn:
        await conn.execute(text("ANALYZE"))
        await conn.commit()
        if not db.sqlite:
            await conn.execute(text("CHECKPOINT"))
            await conn.commit()


async def seed(settings: Settings, conversations: int) -> Seeded:
    db = Database(settings)
    try:
        async with db.transaction() as session:
            brand = await brand_service.create(session, None, BrandIn(
                slug="bench", name="Bench Casino", locales=list(LANGUAGES), default_locale="en"))
            channel = await brands.webchat_channel(session, brand.id)
            cookie, plaintext = await agent(session, brand.id, ["conversations:read"])
        await _bulk_conversations(db, brand.id, channel.id, conversations)
        await settle(db)
    finally:
        await db.dispose()
    os.sync()  # (SQLite folds its write-ahead log into the file when its last connection closes)
    return Seeded(channel.key, cookie, plaintext)


async def agent(session: AsyncSession, brand_id: int, scopes: list[str]) -> tuple[str, str]:
    """An agent of the brand, signed in: ("name=value" for the Cookie header, an API token with `scopes`)."""
    user = await user_service.create(session, None, email="agent@bench.example", name="Bench Agent",
                                     role=Role.agent, password="correct horse battery staple 42", brand_ids=[brand_id])
    cookie, staff_session = auth_service._new_session(user, mfa_passed=True, ip="127.0.0.1", user_agent="bench")
    session.add(staff_session)
    principal = await auth_service.principal_for(session, user)
    _token, plaintext = await token_service.create(session, principal, "bench", scopes)
    return f"{SESSION_COOKIE}={cookie}", plaintext


async def _bulk_conversations(db: Database, brand_id: int, channel_id: int, count: int) -> None:
    start = utcnow() - timedelta(days=60)
    for first in range(0, count, CHUNK):
        rows = [{"brand_id": brand_id, "external_id": f"seed-{i}", "display_name": f"Player {i}",
                 "locale": LANGUAGES[i % 5], "created_at": start + timedelta(seconds=50 * i)}
                for i in range(first, min(count, first + CHUNK))]
        async with db.transaction() as session:
            await session.execute(insert(Player), rows)
    async with db.transaction() as session:
        seeded = Player.external_id.like("seed-%")
        await session.execute(insert(PlayerIdentity).from_select(
            ["player_id", "channel_id", "external_id", "display_name", "created_at"],
            select(Player.id, literal(channel_id), literal("visitor:") + Player.external_id, Player.display_name,
                   Player.created_at).where(Player.brand_id == brand_id, seeded)))
        status = case(*((PlayerIdentity.id % 10 == n, literal(s)) for n, s in enumerate(STATUSES)))
        await session.execute(insert(Conversation).from_select(
            ["brand_id", "channel_id", "player_id", "identity_id", "status", "priority", "language", "preview",
             "last_message_at", "last_player_message_at", "reopened_count", "message_count", "created_at"],
            select(literal(brand_id), literal(channel_id), PlayerIdentity.player_id, PlayerIdentity.id, status,
                   literal("normal"), Player.locale, literal("Where is my withdrawal? ") + Player.display_name,
                   PlayerIdentity.created_at, PlayerIdentity.created_at, literal(0), literal(1),
                   PlayerIdentity.created_at)
            .join(Player, Player.id == PlayerIdentity.player_id)
            .where(PlayerIdentity.channel_id == channel_id, PlayerIdentity.external_id.like("visitor:seed-%"))))
        await session.execute(insert(Message).from_select(
            ["conversation_id", "author_type", "body", "is_private", "delivery_state", "created_at"],
            select(Conversation.id, literal("player"), Conversation.preview, literal(False), literal("received"),
                   Conversation.last_message_at).where(Conversation.channel_id == channel_id)))
