"""The assistant in the console: its panel beside a conversation (with the intent review), the supervisors'
figures, and the export of reviewed intents as training data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.assistant.corrections import correct_intent
from croupier.assistant.report import report
from croupier.assistant.reviews import training_data
from croupier.console import assistant_view, editor_forms
from croupier.console.conversation_forms import BAD_VALUE
from croupier.console.rendering import go, is_htmx, render
from croupier.console.staff import Staff, signed_in
from croupier.conversation.service import conversation_service
from croupier.errors import BadRequest
from croupier.kit.clock import utcnow
from croupier.web import client_ip, session_dep

router = APIRouter()
PERIODS = (7, 30, 90)


@router.get("/conversations/{conversation_id:int}/assistant", response_class=HTMLResponse)
async def panel(conversation_id: int, request: Request, staff: Staff = Depends(signed_in),
                session: AsyncSession = Depends(session_dep)) -> HTMLResponse:
    conversation = await conversation_service.get(session, staff.principal, conversation_id)
    return render(request, "conversation/_assistant.html",
                  **await assistant_view.panel(session, staff, conversation))


@router.post("/conversations/{conversation_id:int}/assistant/intent")
async def review(conversation_id: int, request: Request, staff: Staff = Depends(signed_in),
                 session: AsyncSession = Depends(session_dep)) -> Response:
    conversation = await correct_intent(session, staff.principal, conversation_id,
                                        editor_forms.text(await request.form(), "intent"), ip=client_ip(request))
    if not is_htmx(request):
        return go(request, f"/console/conversations/{conversation_id}")
    return render(request, "conversation/_assistant.html", headers={"HX-Trigger": "conversation-changed"},
                  **await assistant_view.panel(session, staff, conversation))


def _days(request: Request) -> int:
    raw = request.query_params.get("days", "30")
    if not raw.isdigit() or int(raw) not in PERIODS:
        raise BadRequest(BAD_VALUE, code="invalid_field", name="days", value=raw[:20])
    return int(raw)


@router.get("/assistant", response_class=HTMLResponse)
async def figures(request: Request, staff: Staff = Depends(signed_in),
                  session: AsyncSession = Depends(session_dep)) -> HTMLResponse:
    staff.principal.require("assistant:supervise")
    brand, brands = await editor_forms.brands(session, staff, request.query_params.get("brand"))
    days = _days(request)
    until = utcnow()
    lines = await report(session, staff.principal, brand.id, until - timedelta(days=days), until)
    return render(request, "assistant/report.html", brand=brand, brands=brands, days=days, periods=PERIODS,
                  lines=lines, reason_names=assistant_view.reason)


@router.get("/assistant/corrections.jsonl")
async def export(request: Request, staff: Staff = Depends(signed_in),
                 session: AsyncSession = Depends(session_dep)) -> Response:
    staff.principal.require("assistant:supervise")
    brand, _brands = await editor_forms.brands(session, staff, request.query_params.get("brand"))
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    return Response(await training_data(session, staff.principal, brand.id), media_type="application/x-ndjson",
                    headers={"Content-Disposition": f'attachment; filename="{brand.slug}-intents-{stamp}.jsonl"'})
