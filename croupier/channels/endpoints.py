"""One webhook route for every provider channel (HTTP only; the pipeline lives in service.py)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.channels.service import channel_service
from croupier.web import session_dep

router = APIRouter(prefix="/channels", tags=["channels"])


@router.post("/{key}/webhook", summary="Inbound webhook of a provider channel (Telegram, …)")
async def webhook(key: str, request: Request, session: AsyncSession = Depends(session_dep)) -> dict[str, object]:
    """Verified, stored and committed before the 200: a provider's retry of the same delivery is a no-op."""
    body = await request.body()
    headers = {k.lower(): v for k, v in request.headers.items()}
    event, created = await channel_service.accept(session, key[:64], headers, body)
    return {"ok": True, "event_id": event.id, "duplicate": not created}
