"""Request-scoped dependencies shared by every HTTP module: the DB session, client address, rate limits."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.config import get_settings
from croupier.db import Database


async def _transaction(request: Request) -> AsyncIterator[AsyncSession]:
    db: Database = request.app.state.db
    async with db.transaction() as session:
        yield session


async def _read(request: Request) -> AsyncIterator[AsyncSession]:
    db: Database = request.app.state.db
    async with db.read() as session:
        yield session


async def read_session_dep(session: AsyncSession = Depends(_read, scope="function")) -> AsyncSession:
    """One read-only session per request (public pages that change nothing): see Database.read."""
    return session


async def session_dep(session: AsyncSession = Depends(_transaction, scope="function")) -> AsyncSession:
    """One session per request; committed before the response is sent, rolled back on any error.

    `scope="function"` ends the transaction when the endpoint returns, before a byte of the response
    is sent. (The default, request scope, commits only after sending: an acknowledged message could be
    lost in a crash, and a streaming response would hold its transaction open.)
    """
    return session


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "?"


async def rate_limit(request: Request, bucket: str, setting: str, key: str | None = None, *,
                     local: bool = False) -> None:
    """Count a hit against the setting's rule; `local` counts in this process only (see app.py)."""
    limits = request.app.state.local_rate_limits if local else request.app.state.rate_limits
    await limits.hit(getattr(get_settings(), setting), bucket, key or client_ip(request))
