"""Macro editing in the console: a brand's macros (and every brand's), and one macro's editor with its
shortcut and a title and text per language. Agents read; supervisors and admins edit (macros:write),
only admins the macros of every brand. Every change is audited by the service."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from croupier.console import editor_forms
from croupier.console.rendering import go, render
from croupier.console.staff import Staff, signed_in
from croupier.kit.i18n import available_locales
from croupier.macro.schemas import MacroIn, MacroText, MacroUpdate
from croupier.macro.service import macro_service
from croupier.macro.template import VARIABLES
from croupier.models import Brand, Macro
from croupier.web import client_ip, session_dep

router = APIRouter(prefix="/macros")
PAGE = "/console/macros"
EVERY_BRAND = "all"


def _texts(form: FormData, locales: list[str] | tuple[str, ...]) -> dict[str, MacroText]:
    """The languages whose title or text is filled in (the service refuses one without the other)."""
    texts = {code: MacroText.model_construct(title=editor_forms.text(form, f"title-{code}"),
                                             body=editor_forms.text(form, f"body-{code}")) for code in locales}
    return {code: t for code, t in texts.items() if t.title or t.body}


def _locales(brand: Brand | None) -> list[str] | tuple[str, ...]:
    return brand.locales if brand else available_locales()


async def _scope(session: AsyncSession, staff: Staff, wanted: str | None) -> tuple[Brand | None, list[Brand]]:
    """The brand whose macros are shown (None: every brand's macros), and the user's brands."""
    brand, brands = await editor_forms.brands(session, staff, None if wanted == EVERY_BRAND else wanted)
    return (None if wanted == EVERY_BRAND else brand), brands


def _editor(request: Request, staff: Staff, macro: Macro | None, brand: Brand | None, **extra: object) -> HTMLResponse:
    return render(request, "macros/edit.html", macro=macro, brand=brand, locales=_locales(brand),
                  variables=VARIABLES, can_edit=staff.principal.allows("macros:write"),
                  saved=request.query_params.get("saved"), **extra)


@router.get("", response_class=HTMLResponse)
async def index(request: Request, staff: Staff = Depends(signed_in),
                session: AsyncSession = Depends(session_dep)) -> HTMLResponse:
    wanted = request.query_params.get("brand")
    brand, brands = await _scope(session, staff, wanted)
    macros = await macro_service.list(session, staff.principal, brand.id if brand else None)
    if brand is None:
        macros = [m for m in macros if m.brand_id is None]
    return render(request, "macros/index.html", brand=brand, brands=brands, macros=macros,
                  every_brand=EVERY_BRAND, can_edit=staff.principal.allows("macros:write"),
                  is_admin=staff.principal.brand_ids is None)


@router.get("/new", response_class=HTMLResponse)
async def new(request: Request, staff: Staff = Depends(signed_in),
              session: AsyncSession = Depends(session_dep)) -> HTMLResponse:
    staff.principal.require("macros:write")
    brand, _brands = await _scope(session, staff, request.query_params.get("brand"))
    return _editor(request, staff, None, brand)


@router.post("")
async def create(request: Request, staff: Staff = Depends(signed_in),
                 session: AsyncSession = Depends(session_dep)) -> Response:
    form = await request.form()
    brand, _brands = await _scope(session, staff, editor_forms.text(form, "brand"))
    macro = await macro_service.create(session, staff.principal, MacroIn.model_construct(
        brand_id=brand.id if brand else None, shortcut=editor_forms.text(form, "shortcut"),
        texts=_texts(form, _locales(brand))), ip=client_ip(request))
    return go(request, f"{PAGE}/{macro.id}?saved=1")


@router.get("/{macro_id:int}", response_class=HTMLResponse)
async def edit(macro_id: int, request: Request, staff: Staff = Depends(signed_in),
               session: AsyncSession = Depends(session_dep)) -> HTMLResponse:
    macro = await macro_service.get(session, staff.principal, macro_id)
    brand = (await editor_forms.brands(session, staff, str(macro.brand_id)))[0] if macro.brand_id else None
    return _editor(request, staff, macro, brand)


@router.post("/{macro_id:int}")
async def update(macro_id: int, request: Request, staff: Staff = Depends(signed_in),
                 session: AsyncSession = Depends(session_dep)) -> Response:
    form = await request.form()
    macro = await macro_service.get(session, staff.principal, macro_id)
    brand = (await editor_forms.brands(session, staff, str(macro.brand_id)))[0] if macro.brand_id else None
    await macro_service.update(session, staff.principal, macro_id, MacroUpdate.model_construct(
        shortcut=editor_forms.text(form, "shortcut"), texts=_texts(form, _locales(brand))), ip=client_ip(request))
    return go(request, f"{PAGE}/{macro_id}?saved=1")


@router.post("/{macro_id:int}/delete")
async def delete(macro_id: int, request: Request, staff: Staff = Depends(signed_in),
                 session: AsyncSession = Depends(session_dep)) -> Response:
    macro = await macro_service.get(session, staff.principal, macro_id)
    await macro_service.delete(session, staff.principal, macro_id, ip=client_ip(request))
    return go(request, f"{PAGE}?brand={macro.brand_id or EVERY_BRAND}")
