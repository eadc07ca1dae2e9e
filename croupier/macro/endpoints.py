"""REST API v1: macros, and the search the reply box uses (HTTP only; rules live in service.py)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.auth.dependencies import api_principal
from croupier.auth.principal import Principal
from croupier.conversation import repository as conversations
from croupier.kit.error_schemas import API_ERRORS
from croupier.kit.ids import MAX_ID, PathId
from croupier.kit.json_route import JsonRoute
from croupier.macro.schemas import MacroIn, MacroOut, MacroUpdate, RenderedMacro
from croupier.macro.service import Rendered, macro_service
from croupier.web import client_ip, session_dep

router = APIRouter(prefix="/api/v1", tags=["macros"], route_class=JsonRoute, responses=API_ERRORS)


def _rendered(found: Rendered) -> RenderedMacro:
    return RenderedMacro(macro_id=found.macro.id, shortcut=found.macro.shortcut, locale=found.locale,
                         fallback=found.fallback, title=found.title, text=found.text)


async def _first_name(session: AsyncSession, principal: Principal) -> str | None:
    name = (await conversations.user_names(session, {principal.user_id})).get(principal.user_id) or ""
    return name.split()[0] if name.strip() else None


@router.get("/macros", response_model=list[MacroOut],
            summary="List the macros you can use: every brand's, and your brands' (or one brand's)")
async def list_macros(brand_id: int | None = Query(None, ge=1, le=MAX_ID), principal: Principal = Depends(api_principal),
                      session: AsyncSession = Depends(session_dep)):
    return [MacroOut.of(m) for m in await macro_service.list(session, principal, brand_id)]


@router.post("/macros", status_code=201, response_model=MacroOut, summary="Create a macro (audited)")
async def create_macro(data: MacroIn, request: Request, principal: Principal = Depends(api_principal),
                       session: AsyncSession = Depends(session_dep)):
    return MacroOut.of(await macro_service.create(session, principal, data, ip=client_ip(request)))


@router.get("/macros/search", response_model=list[RenderedMacro],
            summary="Find macros for a conversation ('/kyc' by shortcut, or words), rendered in its language")
async def search_macros(conversation_id: int = Query(ge=1, le=MAX_ID), q: str = Query("", max_length=100),
                        limit: int = Query(8, ge=1, le=50), principal: Principal = Depends(api_principal),
                        session: AsyncSession = Depends(session_dep)):
    found = await macro_service.search(session, principal, conversation_id, q, limit=limit,
                                       agent_name=await _first_name(session, principal))
    return [_rendered(f) for f in found]


@router.get("/macros/{macro_id}", response_model=MacroOut, summary="Get a macro with its text in every language")
async def get_macro(macro_id: PathId, principal: Principal = Depends(api_principal),
                    session: AsyncSession = Depends(session_dep)):
    return MacroOut.of(await macro_service.get(session, principal, macro_id))


@router.patch("/macros/{macro_id}", response_model=MacroOut, summary="Change a macro's shortcut or texts (audited)")
async def update_macro(macro_id: PathId, data: MacroUpdate, request: Request,
                       principal: Principal = Depends(api_principal), session: AsyncSession = Depends(session_dep)):
    return MacroOut.of(await macro_service.update(session, principal, macro_id, data, ip=client_ip(request)))


@router.delete("/macros/{macro_id}", response_model=MacroOut,
               summary="Delete a macro (audited with its texts); answers with what was deleted")
async def delete_macro(macro_id: PathId, request: Request, principal: Principal = Depends(api_principal),
                       session: AsyncSession = Depends(session_dep)):
    out = MacroOut.of(await macro_service.get(session, principal, macro_id))
    await macro_service.delete(session, principal, macro_id, ip=client_ip(request))
    return out


@router.get("/macros/{macro_id}/render", response_model=RenderedMacro,
            summary="A macro rendered for a conversation: its language (or the brand's default), variables filled")
async def render_macro(macro_id: PathId, conversation_id: int = Query(ge=1, le=MAX_ID),
                       principal: Principal = Depends(api_principal), session: AsyncSession = Depends(session_dep)):
    return _rendered(await macro_service.render(session, principal, macro_id, conversation_id,
                                                agent_name=await _first_name(session, principal)))
