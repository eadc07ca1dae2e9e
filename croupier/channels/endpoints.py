"""One webhook route for every provider channel (HTTP only; the pipeline lives in service.py)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse
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


@router.get("/{key}/webhook", summary="Webhook address verification (Meta's hub.challenge handshake)",
            response_class=PlainTextResponse)
async def webhook_handshake(key: str, request: Request, session: AsyncSession = Depends(session_dep)
                            ) -> PlainTextResponse:
    """The provider's GET check of the address, answered by the channel's adapter (405 if it has none)."""
    query = {k: v for k, v in request.query_params.items()}
    return PlainTextResponse(await channel_service.handshake(session, key[:64], query))
