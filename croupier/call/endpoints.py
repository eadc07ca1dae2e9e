"""REST API v1: a conversation's call log (HTTP only; rules live in service.py)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.auth.dependencies import api_principal
from croupier.auth.principal import Principal
from croupier.call.schemas import CallIn, CallOut
from croupier.call.service import call_service
from croupier.conversation import repository as conversations
from croupier.kit.error_schemas import API_ERRORS
from croupier.kit.ids import PathId
from croupier.kit.json_route import JsonRoute
from croupier.web import client_ip, session_dep

router = APIRouter(prefix="/api/v1", tags=["conversations"], route_class=JsonRoute, responses=API_ERRORS)


@router.get("/conversations/{conversation_id}/calls", response_model=list[CallOut],
            summary="List the phone calls logged on a conversation, latest first")
async def list_calls(conversation_id: PathId, principal: Principal = Depends(api_principal),
                     session: AsyncSession = Depends(session_dep)):
    calls = await call_service.calls(session, principal, conversation_id)
    names = await conversations.user_names(session, {c.agent_id for c in calls if c.agent_id})
    return [CallOut.of(c, names.get(c.agent_id or 0)) for c in calls]


@router.post("/conversations/{conversation_id}/calls", status_code=201, response_model=CallOut,
             summary="Log a phone call with the player (you are recorded as the agent)")
async def log_call(conversation_id: PathId, data: CallIn, request: Request,
                   principal: Principal = Depends(api_principal), session: AsyncSession = Depends(session_dep)):
    call = await call_service.log(session, principal, conversation_id, data, ip=client_ip(request))
    names = await conversations.user_names(session, {principal.user_id})
    return CallOut.of(call, names.get(principal.user_id))
