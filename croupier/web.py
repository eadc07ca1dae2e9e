"""Request-scoped dependencies shared by every HTTP module: the DB session, client address, rate limits."""

from __future__ import annotations

from contextlib import AsyncExitStack

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.config import get_settings
from croupier.db import Database


async def session_dep(request: Request) -> AsyncSession:
    """One session per request; committed before the response is sent, rolled back on any error.

    The transaction is entered on FastAPI's per-endpoint exit stack, which closes once the endpoint has
    built its response and before a byte of it is sent. (A `yield` dependency would commit only after
    sending: an acknowledged message could be lost, and a streaming response would hold the transaction.)
    """
    db: Database = request.app.state.db
    stack: AsyncExitStack = request.scope["fastapi_function_astack"]
    return await stack.enter_async_context(db.transaction())


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "?"


async def rate_limit(request: Request, bucket: str, setting: str, key: str | None = None) -> None:
    rule = getattr(get_settings(), setting)
    await request.app.state.rate_limits.hit(rule, bucket, key or client_ip(request))
