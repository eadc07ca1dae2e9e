"""The reply box's macro picker: the conversation's macros found by "/shortcut" or words, rendered in the
conversation's language, as listbox options the script inserts into the reply."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.console.rendering import render
from croupier.console.staff import Staff, signed_in
from croupier.macro.service import macro_service
from croupier.web import session_dep

router = APIRouter()


@router.get("/conversations/{conversation_id:int}/macros", response_class=HTMLResponse)
async def search(conversation_id: int, request: Request, q: str = Query("", max_length=100),
                 staff: Staff = Depends(signed_in), session: AsyncSession = Depends(session_dep)) -> HTMLResponse:
    found = await macro_service.search(session, staff.principal, conversation_id, q, agent_name=staff.first_name)
    return render(request, "conversation/_macro_options.html", macros=found)
