"""The inbox: the filtered list of conversations, newest activity first, and its partial for live refresh."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.brand import repository as brands
from croupier.console import inbox_view, repository
from croupier.console.rendering import render
from croupier.console.staff import Staff, signed_in
from croupier.kit.i18n import available_locales
from croupier.web import session_dep

router = APIRouter()


@router.get("/inbox", response_class=HTMLResponse)
async def inbox(request: Request, staff: Staff = Depends(signed_in),
                session: AsyncSession = Depends(session_dep)) -> HTMLResponse:
    filters = inbox_view.parse(request.query_params, staff.principal)
    page = await inbox_view.page(session, staff.principal, filters)
    visible = await brands.visible_brands(session, staff.principal)
    return render(request, "inbox/index.html", filters=filters.raw, page=page, brands=visible,
                  staff_members=await repository.staff_of_brands(session, staff.principal.brand_ids),
                  teams=await repository.teams(session), languages=available_locales(),
                  show_brand=len(visible) > 1, paged=filters.after is not None)


@router.get("/inbox/list", response_class=HTMLResponse)
async def inbox_list(request: Request, staff: Staff = Depends(signed_in),
                     session: AsyncSession = Depends(session_dep)) -> HTMLResponse:
    """The rows of one page (the first, or the one after `before`) for htmx to swap in."""
    filters = inbox_view.parse(request.query_params, staff.principal)
    page = await inbox_view.page(session, staff.principal, filters)
    show_brand = staff.principal.brand_ids is None or len(staff.principal.brand_ids) > 1
    return render(request, "inbox/_rows.html", filters=filters.raw, page=page, show_brand=show_brand)
