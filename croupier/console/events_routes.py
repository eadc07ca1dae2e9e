"""The console's live stream (server-sent events) and the heartbeat it falls back on."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response, StreamingResponse

from croupier.console.staff import Staff, signed_in
from croupier.kit import sse
from croupier.live import LiveEvent

router = APIRouter()


def _render(event: LiveEvent) -> dict[str, Any]:
    return {"conversation_id": event.conversation_id, "brand_id": event.brand_id, **event.data}


@router.get("/events")
async def events(request: Request, staff: Staff = Depends(signed_in)) -> StreamingResponse:
    """Live events of the brands this user works on: new messages, conversation changes, player typing."""
    principal = staff.principal
    return sse.stream(request, lambda e: e.to_staff and principal.sees_brand(e.brand_id), _render,
                      {"user_id": principal.user_id})


@router.get("/heartbeat", status_code=204)
async def heartbeat(staff: Staff = Depends(signed_in)) -> Response:
    """204 while the session is alive; otherwise the sign-in redirect (what a lost live stream checks)."""
    return Response(status_code=204)
