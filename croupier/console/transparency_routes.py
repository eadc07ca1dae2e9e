"""The transparency centre's text pages in the console (administrators): an overview of every brand's pages
per language, and one page's editor with its version history. Saving publishes a new version; earlier
versions are never changed, so the public change log stays true."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.console.rendering import go, render
from croupier.console.staff import Staff, signed_in
from croupier.errors import BadRequest
from croupier.kit.clock import utcnow
from croupier.kit.i18n import N_
from croupier.models import PageKind
from croupier.transparency import labels
from croupier.transparency.service import transparency_service
from croupier.web import client_ip, session_dep

router = APIRouter(prefix="/transparency")
PAGE = "/console/transparency"


def _kind(value: str) -> PageKind:
    try:
        return PageKind(value)
    except ValueError:
        raise BadRequest(N_("There is no page '%(page)s' here."), code="unknown_page", page=value[:64]) from None


def _text(form: object, name: str) -> str:
    value = form.get(name)  # type: ignore[attr-defined]
    return value if isinstance(value, str) else ""


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadRequest(N_("Enter the date the version takes effect, e.g. %(example)s."), code="invalid_date",
                         example=utcnow().date().isoformat()) from None


@router.get("", response_class=HTMLResponse)
async def overview(request: Request, staff: Staff = Depends(signed_in),
                   session: AsyncSession = Depends(session_dep)) -> HTMLResponse:
    brands, latest = await transparency_service.overview(session, staff.principal)
    return render(request, "transparency/overview.html", brands=brands, latest=latest, kinds=list(PageKind),
                  page_labels=labels.page)


@router.get("/{brand_id:int}/{kind}/{locale}", response_class=HTMLResponse)
async def editor(brand_id: int, kind: str, locale: str, request: Request, staff: Staff = Depends(signed_in),
                 session: AsyncSession = Depends(session_dep)) -> HTMLResponse:
    brand, history = await transparency_service.page_history(session, staff.principal, brand_id, _kind(kind),
                                                             locale[:16])
    return render(request, "transparency/editor.html", brand=brand, kind=_kind(kind), locale=locale[:16],
                  history=history, page_labels=labels.page, today=utcnow().date(),
                  published=request.query_params.get("published"))


@router.post("/{brand_id:int}/{kind}/{locale}")
async def publish(brand_id: int, kind: str, locale: str, request: Request, staff: Staff = Depends(signed_in),
                  session: AsyncSession = Depends(session_dep)) -> Response:
    form = await request.form()
    version = await transparency_service.publish(
        session, staff.principal, brand_id, _kind(kind), locale[:16], title=_text(form, "title"),
        body=_text(form, "body"), effective_from=_date(_text(form, "effective_from")),
        change_summary=_text(form, "change_summary"), ip=client_ip(request))
    return go(request, f"{PAGE}/{brand_id}/{kind}/{locale}?published={version.version}")
