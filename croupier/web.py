"""Request-scoped dependencies shared by every HTTP module: the DB session, client address, rate limits."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.config import get_settings
from croupier.db import Database


async def session_dep(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request; committed before the response is sent, rolled back on any error."""
    db: Database = request.app.state.db
    async with db.transaction() as session:
        yield session


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "?"


async def rate_limit(request: Request, bucket: str, setting: str, key: str | None = None) -> None:
    rule = getattr(get_settings(), setting)
    await request.app.state.rate_limits.hit(rule, bucket, key or client_ip(request))
