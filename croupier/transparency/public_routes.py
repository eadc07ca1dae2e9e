"""The public transparency centre: /transparency/{brand}/{locale}/… pages, versions and change logs, the
payout and payment-method reports with their charts and CSV downloads (HTTP only).

Public pages answer in the locale of their address; a language the brand does not publish in, an unknown
brand or page, or a period that is not offered is a 4xx page in plain words with links to what exists."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.brand import repository as brands
from croupier.kit import i18n
from croupier.kit.clock import utcnow
from croupier.kit.i18n import N_, gettext
from croupier.models import Brand, PageKind
from croupier.transparency import repository
from croupier.transparency.csv_export import csv_response
from croupier.transparency.public_view import (
    CSP,
    DAY_CHOICES,
    HERE,
    MONTH_CHOICES,
    choice,
    env,
    payment_chart,
    payout_chart,
    payout_note,
)
from croupier.transparency.service import transparency_service
from croupier.web import read_session_dep

router = APIRouter(prefix="/transparency", include_in_schema=False)
STYLESHEET = HERE / "static" / "transparency.css"
WITH_DATA = (PageKind.licences, PageKind.responsible_gambling)  # shown from their data even without text


class _Refused(Exception):
    def __init__(self, status: int, message: str, brand: Brand | None = None, **links: Any) -> None:
        super().__init__(message)
        self.status, self.message, self.brand, self.links = status, message, brand, links


@lru_cache
def _stylesheet_version() -> str:
    return hashlib.sha256(STYLESHEET.read_bytes()).hexdigest()[:12]


def _html(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = env.get_template(template).render(locale=i18n.current_locale.get(),
                                             stylesheet=f"/transparency/static/transparency.css?v={_stylesheet_version()}",
                                             **context)
    return HTMLResponse(html, status_code=status, headers={"Content-Security-Policy": CSP,
                                                           "Cache-Control": "public, max-age=300"})


def _refused(request: Request, refused: _Refused) -> HTMLResponse:
    if i18n.current_locale.get() not in (refused.brand.locales if refused.brand else i18n.available_locales()):
        i18n.current_locale.set(i18n.negotiate(request.headers.get("accept-language"),
                                               refused.brand.default_locale if refused.brand else "en"))
    context = _context(refused.brand, i18n.current_locale.get(), "index") if refused.brand else {}
    return _html("error.html", refused.status, message=refused.message, **context, **refused.links)


async def _brand(session: AsyncSession, slug: str) -> Brand:
    brand = await brands.brand_by_slug(session, slug[:64])
    if brand is None or not brand.is_active:
        raise _Refused(404, gettext("There is no casino with the address name '%(slug)s'.") % {"slug": slug[:64]})
    return brand


async def _brand_in(session: AsyncSession, slug: str, locale: str) -> Brand:
    brand = await _brand(session, slug)
    if locale not in brand.locales:
        raise _Refused(404, gettext("%(brand)s does not publish its transparency centre in '%(locale)s'. "
                                    "Choose one of its languages below.") % {"brand": brand.name,
                                                                             "locale": locale[:16]},
                       brand, languages=brand.locales)
    i18n.current_locale.set(locale)
    return brand


def _context(brand: Brand, locale: str, section: str) -> dict[str, Any]:
    return {"brand": brand, "base": f"/transparency/{brand.slug}", "section": section, "kinds": list(PageKind),
            "home": f"/transparency/{brand.slug}/{locale}"}


@router.get("/static/transparency.css")
async def stylesheet() -> FileResponse:
    return FileResponse(STYLESHEET, media_type="text/css; charset=utf-8",
                        headers={"Cache-Control": "public, max-age=31536000, immutable"})


@router.get("/{slug}")
async def start(request: Request, slug: str, session: AsyncSession = Depends(read_session_dep)) -> Response:
    """The brand's centre in the visitor's language, when the brand publishes in it."""
    try:
        brand = await _brand(session, slug)
    except _Refused as refused:
        return _refused(request, refused)
    locale = i18n.negotiate(request.headers.get("accept-language"), brand.default_locale)
    return RedirectResponse(f"/transparency/{brand.slug}/{locale if locale in brand.locales else brand.default_locale}",
                            status_code=303)


@router.get("/{slug}/{locale}", response_class=HTMLResponse)
async def index(request: Request, slug: str, locale: str, session: AsyncSession = Depends(read_session_dep)) -> Response:
    try:
        brand = await _brand_in(session, slug, locale)
    except _Refused as refused:
        return _refused(request, refused)
    today = utcnow().date()
    return _html("index.html", **_context(brand, locale, "index"),
                 pages=await repository.in_force(session, brand.id, locale, today),
                 licences=await repository.licences(session, brand.id))


@router.get("/{slug}/{locale}/payouts", response_class=HTMLResponse)
async def payouts(request: Request, slug: str, locale: str, months: str | None = None,
                  session: AsyncSession = Depends(read_session_dep)) -> Response:
    try:
        brand, chosen = await _brand_in(session, slug, locale), _period(months, MONTH_CHOICES, 6)
    except _Refused as refused:
        return _refused(request, refused)
    report = await transparency_service.payouts(session, brand, chosen)
    return _html("payouts.html", **_context(brand, locale, "payouts"), report=report, months=chosen,
                 choices=MONTH_CHOICES, chart=payout_chart(report, chosen), note=payout_note)


@router.get("/{slug}/{locale}/payouts.csv")
async def payouts_csv(request: Request, slug: str, locale: str, months: str | None = None,
                      session: AsyncSession = Depends(read_session_dep)) -> Response:
    try:
        brand, chosen = await _brand_in(session, slug, locale), _period(months, MONTH_CHOICES, 6)
    except _Refused as refused:
        return _refused(request, refused)
    report = await transparency_service.payouts(session, brand, chosen)
    return csv_response(
        f"{brand.slug}-payouts-{utcnow().date().isoformat()}.csv",
        ["game_code", "game", "provider", "month", "rounds", "total_stake", "total_payout", "theoretical_rtp",
         "measured_rtp", "expected_low", "expected_high", "verdict"],
        [[r.game.code, r.game.name, r.game.provider, r.month.strftime("%Y-%m"), r.rounds, r.total_stake,
          r.total_payout, r.game.theoretical_rtp, r.measured_rtp, r.expected_low, r.expected_high, r.verdict]
         for r in report.rows])


@router.get("/{slug}/{locale}/payment-methods", response_class=HTMLResponse)
async def payment_methods(request: Request, slug: str, locale: str, days: str | None = None,
                          session: AsyncSession = Depends(read_session_dep)) -> Response:
    try:
        brand, chosen = await _brand_in(session, slug, locale), _period(days, DAY_CHOICES, 30)
    except _Refused as refused:
        return _refused(request, refused)
    reports = await transparency_service.payments(session, brand, chosen)
    return _html("payment_methods.html", **_context(brand, locale, "payment-methods"), reports=reports,
                 days=chosen, choices=DAY_CHOICES, chart=payment_chart(reports, chosen))


@router.get("/{slug}/{locale}/payment-methods.csv")
async def payment_methods_csv(request: Request, slug: str, locale: str, days: str | None = None,
                              session: AsyncSession = Depends(read_session_dep)) -> Response:
    try:
        brand, chosen = await _brand_in(session, slug, locale), _period(days, DAY_CHOICES, 30)
    except _Refused as refused:
        return _refused(request, refused)
    reports = await transparency_service.payments(session, brand, chosen)
    rows = []
    for report in reports:
        m = report.method
        for f in report.figures:
            rows.append([m.code, m.name, m.kind.value, f.direction.value, chosen, m.currency,
                         m.deposit_min if f.direction == "deposit" else m.withdrawal_min,
                         m.deposit_max if f.direction == "deposit" else m.withdrawal_max,
                         m.fees.get(locale, ""), f.transactions, f.succeeded, f.failed, f.pending, f.success_rate,
                         f.median_seconds, f.p90_seconds])
    return csv_response(
        f"{brand.slug}-payment-methods-{chosen}d-{utcnow().date().isoformat()}.csv",
        ["method_code", "method", "kind", "direction", "days", "currency", "min_amount", "max_amount", "fees",
         "transactions", "succeeded", "failed", "pending", "success_rate", "median_seconds", "p90_seconds"], rows)


@router.get("/{slug}/{locale}/{kind}", response_class=HTMLResponse)
async def page(request: Request, slug: str, locale: str, kind: str,
               session: AsyncSession = Depends(read_session_dep)) -> Response:
    return await _page(request, session, slug, locale, kind, None)


@router.get("/{slug}/{locale}/{kind}/v{number:int}", response_class=HTMLResponse)
async def version(request: Request, slug: str, locale: str, kind: str, number: int,
                  session: AsyncSession = Depends(read_session_dep)) -> Response:
    return await _page(request, session, slug, locale, kind, number)


def _period(raw: str | None, choices: tuple[int, ...], default: int) -> int:
    chosen = choice(raw, choices, default)
    if chosen is None:
        raise _Refused(400, gettext("Choose one of the periods offered: %(choices)s.") % {
            "choices": ", ".join(str(c) for c in choices)})
    return chosen


async def _page(request: Request, session: AsyncSession, slug: str, locale: str, kind_slug: str,
                number: int | None) -> Response:
    try:
        brand = await _brand_in(session, slug, locale)
        kind = _kind(brand, kind_slug)
        history = await repository.versions(session, brand.id, kind, locale)
        today = utcnow().date()
        current = next((v for v in history if v.effective_from <= today), None)
        shown = current if number is None else next((v for v in history if v.version == number), None)
        licences = await repository.licences(session, brand.id) if kind == PageKind.licences else []
        helplines = await repository.helplines(session, brand.id) if kind == PageKind.responsible_gambling else []
        if shown is None and (number is not None or not (licences or helplines)):
            raise _Refused(404, gettext(N_("This version does not exist.") if number is not None and history
                                        else N_("This page has not been published in this language yet.")),
                           brand, kind=kind, elsewhere=[c for c in await repository.locales_of(session, brand.id, kind)
                                                        if c in brand.locales and c != locale])
    except _Refused as refused:
        return _refused(request, refused)
    upcoming = [v for v in history if v.effective_from > today]
    return _html("page.html", **_context(brand, locale, kind.value), kind=kind, shown=shown, current=current,
                 history=[v for v in history if v.effective_from <= today], upcoming=upcoming,
                 licences=licences, helplines=helplines, today=today, is_current=shown is current)


def _kind(brand: Brand, slug: str) -> PageKind:
    try:
        return PageKind(slug)
    except ValueError:
        raise _Refused(404, gettext("There is no page '%(page)s' here.") % {"page": slug[:64]}, brand) from None
