"""The assistant in the console: its panel beside a conversation (with the intent review), the supervisors'
figures, the export of reviewed intents as training data, and a brand's assistant settings (on or off,
facts provider, team per hand-off reason: supervisors of the brand and administrators)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from croupier.assistant import settings as assistant_settings
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
from croupier.worker import warmup

router = APIRouter()
PERIODS = (7, 30, 90)
SETTINGS_PAGE = "/console/assistant/settings"


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


@router.get("/assistant/settings", response_class=HTMLResponse)
async def settings_page(request: Request, staff: Staff = Depends(signed_in),
                        session: AsyncSession = Depends(session_dep)) -> HTMLResponse:
    staff.principal.require(assistant_settings.SCOPE)
    brand, brands = await editor_forms.brands(session, staff, request.query_params.get("brand"))
    found = await assistant_settings.current(session, staff.principal, brand.id)
    return render(request, "assistant/settings.html", brand=brand, brands=brands,
                  saved=request.query_params.get("saved"), **await assistant_view.settings_form(session, found))


def _brand_id(form: FormData) -> int:
    raw = editor_forms.text(form, "brand")
    if not raw.isdigit() or len(raw) > 18:
        raise BadRequest(BAD_VALUE, code="invalid_field", name="brand", value=raw[:20])
    return int(raw)


@router.post("/assistant/settings")
async def save_settings(request: Request, staff: Staff = Depends(signed_in),
                        session: AsyncSession = Depends(session_dep)) -> Response:
    form = await request.form()
    brand_id = _brand_id(form)
    submitted = assistant_settings.BrandAssistant(
        brand_id=brand_id, enabled=bool(editor_forms.text(form, "enabled")),
        facts_provider=editor_forms.text(form, "facts_provider")[:40] or None,
        teams={r: editor_forms.text(form, f"team-{r.value}")[:120] or None for r in assistant_settings.REASONS},
        updated_at=None)
    try:
        changed = await assistant_settings.change(session, staff.principal, brand_id, enabled=submitted.enabled,
                                                  facts_provider=submitted.facts_provider, teams=submitted.teams,
                                                  ip=client_ip(request))
    except assistant_settings.InvalidSetting as refused:  # checked before anything was written
        brand, brands = await editor_forms.brands(session, staff, str(brand_id))
        found = await assistant_settings.current(session, staff.principal, brand.id)
        return render(request, "assistant/settings.html", refused.status_code, brand=brand, brands=brands,
                      error=refused.render(), error_field=refused.field,
                      **await assistant_view.settings_form(session, found, submitted))
    if changed.enabled:
        warmup.after_enabling()
    return go(request, f"{SETTINGS_PAGE}?brand={brand_id}&saved=1")
