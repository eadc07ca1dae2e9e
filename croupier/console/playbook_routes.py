"""The conversation's playbook panel: the playbook it follows, picking another, ticking steps (htmx swaps
the panel)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.console import playbook_view
from croupier.console.conversation_forms import BAD_VALUE
from croupier.console.rendering import go, is_htmx, render
from croupier.console.staff import Staff, signed_in
from croupier.errors import BadRequest
from croupier.playbook.service import Panel, playbook_service
from croupier.web import client_ip, session_dep

router = APIRouter()


async def _answer(request: Request, session: AsyncSession, staff: Staff, panel: Panel) -> Response:
    if not is_htmx(request):
        return go(request, f"/console/conversations/{panel.conversation.id}")
    return render(request, "conversation/_playbook.html", **await playbook_view.context(session, staff, panel))


def _field(form: object, name: str) -> str:
    value = form.get(name)  # type: ignore[attr-defined]
    return value.strip() if isinstance(value, str) else ""


@router.get("/conversations/{conversation_id:int}/playbook", response_class=HTMLResponse)
async def panel(conversation_id: int, request: Request, staff: Staff = Depends(signed_in),
                session: AsyncSession = Depends(session_dep)) -> HTMLResponse:
    found = await playbook_service.panel(session, staff.principal, conversation_id)
    return render(request, "conversation/_playbook.html", **await playbook_view.context(session, staff, found))


@router.post("/conversations/{conversation_id:int}/playbook/pick")
async def pick(conversation_id: int, request: Request, staff: Staff = Depends(signed_in),
               session: AsyncSession = Depends(session_dep)) -> Response:
    choice = _field(await request.form(), "playbook")
    if choice != "auto" and (not choice.isdigit() or len(choice) > 18):
        raise BadRequest(BAD_VALUE, code="invalid_field", name="playbook", value=choice[:60])
    found = await playbook_service.pick(session, staff.principal, conversation_id,
                                        None if choice == "auto" else int(choice), ip=client_ip(request))
    return await _answer(request, session, staff, found)


@router.post("/conversations/{conversation_id:int}/playbook/steps/{step:int}")
async def tick(conversation_id: int, step: int, request: Request, staff: Staff = Depends(signed_in),
               session: AsyncSession = Depends(session_dep)) -> Response:
    done = _field(await request.form(), "done")
    if done not in ("0", "1"):
        raise BadRequest(BAD_VALUE, code="invalid_field", name="done", value=done[:20])
    found = await playbook_service.tick(session, staff.principal, conversation_id, step, done == "1")
    return await _answer(request, session, staff, found)
