"""The conversation's call log: agents log a call they made or took (htmx swaps the panel)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.call.service import call_service
from croupier.console import call_forms, conversation_view
from croupier.console.rendering import go, is_htmx, render
from croupier.console.staff import Staff, signed_in
from croupier.conversation.service import conversation_service
from croupier.web import client_ip, session_dep

router = APIRouter()


@router.post("/conversations/{conversation_id:int}/calls")
async def log_call(conversation_id: int, request: Request, staff: Staff = Depends(signed_in),
                   session: AsyncSession = Depends(session_dep)) -> Response:
    data = call_forms.call_from(await request.form())
    await call_service.log(session, staff.principal, conversation_id, data, ip=client_ip(request))
    if not is_htmx(request):
        return go(request, f"/console/conversations/{conversation_id}")
    conversation = await conversation_service.get(session, staff.principal, conversation_id)
    return render(request, "conversation/_calls.html", **await conversation_view.calls(session, staff, conversation),
                  conversation=conversation, logged=True)
