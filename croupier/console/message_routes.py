"""One message of a conversation: re-rendered when its delivery state changes, and sent again after a failure."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.console import conversation_view
from croupier.console.rendering import go, is_htmx, render
from croupier.console.staff import Staff, signed_in
from croupier.conversation.service import conversation_service
from croupier.errors import NotFound
from croupier.kit.i18n import N_
from croupier.models import Message
from croupier.web import client_ip, session_dep

router = APIRouter()


async def _visible(session: AsyncSession, staff: Staff, message_id: int) -> Message:
    message = await session.get(Message, message_id)
    if message is not None:
        await conversation_service.get(session, staff.principal, message.conversation_id)  # 404 outside the brands
        return message
    raise NotFound(N_("There is no message %(id)s."), id=message_id)


@router.get("/messages/{message_id:int}", response_class=HTMLResponse)
async def message(message_id: int, request: Request, staff: Staff = Depends(signed_in),
                  session: AsyncSession = Depends(session_dep)) -> HTMLResponse:
    """The message as the conversation shows it (for the live view after a delivery update)."""
    found = await _visible(session, staff, message_id)
    return render(request, "conversation/_messages.html", messages=await conversation_view.message_views(
        session, [found]))


@router.post("/messages/{message_id:int}/retry")
async def retry(message_id: int, request: Request, staff: Staff = Depends(signed_in),
                session: AsyncSession = Depends(session_dep)) -> Response:
    found = await conversation_service.retry_delivery(session, staff.principal, message_id, ip=client_ip(request))
    if not is_htmx(request):
        return go(request, f"/console/conversations/{found.conversation_id}")
    return render(request, "conversation/_messages.html", messages=await conversation_view.message_views(
        session, [found]))
