"""Playbook editing in the console: a brand's playbooks per intent, one playbook's editor (titles and
ordered steps per language, required flags; every save a new version, audited by the service) with its
versions, and the supervisors' adherence report."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from croupier.console import editor_forms
from croupier.console.conversation_forms import BAD_VALUE
from croupier.console.rendering import go, render
from croupier.console.staff import Staff, signed_in
from croupier.errors import BadRequest
from croupier.intents import INTENTS
from croupier.kit.clock import utcnow
from croupier.kit.i18n import N_
from croupier.playbook.schemas import PlaybookIn, PlaybookUpdate, StepIn
from croupier.playbook.service import playbook_service
from croupier.web import client_ip, session_dep

router = APIRouter(prefix="/playbooks")
PAGE = "/console/playbooks"
MAX_STEPS = 100
REPORT_DAYS = 30


def _steps(form: FormData, locales: list[str]) -> list[StepIn]:
    """The steps filled in, ordered by their position field; a step left without any text is dropped."""
    count = editor_forms.text(form, "steps")
    if not count.isdigit() or int(count) > MAX_STEPS + 1:
        raise BadRequest(BAD_VALUE, code="invalid_field", name="steps", value=count[:20])
    rows = []
    for i in range(int(count)):
        titles = editor_forms.per_locale(form, f"step-{i}-title", locales)
        helps = editor_forms.per_locale(form, f"step-{i}-help", locales)
        if not titles and not helps:
            continue
        position = editor_forms.text(form, f"step-{i}-position")
        if position and (not position.isdigit() or len(position) > 4):
            raise BadRequest(BAD_VALUE, code="invalid_field", name=f"step-{i}-position", value=position[:20])
        rows.append((int(position) if position else i + 1, i, StepIn.model_construct(
            titles=titles, help=helps, mandatory=editor_forms.text(form, f"step-{i}-mandatory") == "1")))
    return [step for _position, _i, step in sorted(rows, key=lambda r: (r[0], r[1]))]


def _day(value: str, default: date) -> date:
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadRequest(N_("'%(value)s' is not a date: use the form 2026-01-31."), code="invalid_date",
                         value=value[:20]) from None


@router.get("", response_class=HTMLResponse)
async def index(request: Request, staff: Staff = Depends(signed_in),
                session: AsyncSession = Depends(session_dep)) -> HTMLResponse:
    brand, brands = await editor_forms.brands(session, staff, request.query_params.get("brand"))
    playbooks = await playbook_service.list(session, staff.principal, brand.id)
    taken = {p.intent for p, _v in playbooks}
    return render(request, "playbooks/index.html", brand=brand, brands=brands, playbooks=playbooks, intents=INTENTS,
                  free_intents=[i for i in INTENTS if i not in taken],
                  can_edit=staff.principal.allows("playbooks:write"),
                  can_supervise=staff.principal.allows("playbooks:supervise"))


@router.get("/new", response_class=HTMLResponse)
async def new(request: Request, staff: Staff = Depends(signed_in),
              session: AsyncSession = Depends(session_dep)) -> HTMLResponse:
    staff.principal.require("playbooks:write")
    brand, _brands = await editor_forms.brands(session, staff, request.query_params.get("brand"))
    intent = request.query_params.get("intent", "")
    return render(request, "playbooks/edit.html", brand=brand, playbook=None, version=None, versions=[],
                  intent=intent if intent in INTENTS else "", intents=INTENTS, can_edit=True, saved=None)


@router.post("")
async def create(request: Request, staff: Staff = Depends(signed_in),
                 session: AsyncSession = Depends(session_dep)) -> Response:
    form = await request.form()
    brand, _brands = await editor_forms.brands(session, staff, editor_forms.text(form, "brand"))
    playbook, _version = await playbook_service.create(session, staff.principal, PlaybookIn.model_construct(
        brand_id=brand.id, intent=editor_forms.text(form, "intent"),
        titles=editor_forms.per_locale(form, "title", brand.locales), steps=_steps(form, brand.locales),
        is_active=editor_forms.text(form, "is_active") == "1"), ip=client_ip(request))
    return go(request, f"{PAGE}/{playbook.id}?saved=1")


@router.get("/adherence", response_class=HTMLResponse)
async def adherence(request: Request, staff: Staff = Depends(signed_in),
                    session: AsyncSession = Depends(session_dep)) -> HTMLResponse:
    staff.principal.require("playbooks:supervise")
    brand, brands = await editor_forms.brands(session, staff, request.query_params.get("brand"))
    until = _day(request.query_params.get("until", ""), utcnow().date())
    since = _day(request.query_params.get("since", ""), until - timedelta(days=REPORT_DAYS - 1))
    lines = await playbook_service.adherence(
        session, staff.principal, brand_id=brand.id, since=datetime(since.year, since.month, since.day, tzinfo=UTC),
        until=datetime(until.year, until.month, until.day, tzinfo=UTC) + timedelta(days=1))
    return render(request, "playbooks/adherence.html", brand=brand, brands=brands, lines=lines, since=since,
                  until=until, intents=INTENTS)


@router.get("/{playbook_id:int}", response_class=HTMLResponse)
async def edit(playbook_id: int, request: Request, staff: Staff = Depends(signed_in),
               session: AsyncSession = Depends(session_dep)) -> HTMLResponse:
    playbook, version = await playbook_service.get(session, staff.principal, playbook_id)
    brand, _brands = await editor_forms.brands(session, staff, str(playbook.brand_id))
    return render(request, "playbooks/edit.html", brand=brand, playbook=playbook, version=version,
                  versions=await playbook_service.versions(session, staff.principal, playbook_id),
                  intent=playbook.intent, intents=INTENTS, can_edit=staff.principal.allows("playbooks:write"),
                  saved=request.query_params.get("saved"))


@router.post("/{playbook_id:int}")
async def update(playbook_id: int, request: Request, staff: Staff = Depends(signed_in),
                 session: AsyncSession = Depends(session_dep)) -> Response:
    form = await request.form()
    playbook, _version = await playbook_service.get(session, staff.principal, playbook_id)
    brand, _brands = await editor_forms.brands(session, staff, str(playbook.brand_id))
    await playbook_service.update(session, staff.principal, playbook_id, PlaybookUpdate.model_construct(
        titles=editor_forms.per_locale(form, "title", brand.locales), steps=_steps(form, brand.locales),
        is_active=editor_forms.text(form, "is_active") == "1"), ip=client_ip(request))
    return go(request, f"{PAGE}/{playbook_id}?saved=1")
