"""The public help centre: /help/{brand}/{locale}/ pages (home with search, categories, articles, search
results, contact options), the "was this helpful?" vote, the sitemap and the static files (HTTP only).

Pages answer in the locale of their address; an article without a translation is shown in the brand's
default locale with a notice. Everything works without JavaScript; the chat widget is embedded on every
page, and the contact page's callback form posts to the widget API's plain-form endpoint."""

from __future__ import annotations

import hashlib
import mimetypes
from typing import Any
from urllib.parse import quote_plus

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.config import get_settings
from croupier.errors import BadRequest, NotFound
from croupier.helpcenter.page_cache import PUBLIC_VERSION
from croupier.helpcenter.rendering import STATIC_DIR, BrandRef, env, render, static_files
from croupier.kb import repository, search
from croupier.kb.index_cache import indexes
from croupier.kb.public import public_kb
from croupier.kit import i18n, secrets
from croupier.kit.i18n import N_
from croupier.models import Brand, Channel, KbCategory
from croupier.web import client_ip, rate_limit, read_session_dep, session_dep

router = APIRouter(prefix="/help", include_in_schema=False)
VOTER_COOKIE = "croupier_reader"
MAX_QUERY = 200
RELATED = 5
SNIPPET = 220 + 5 + 1  # search.html shows `text|truncate(220)` (5 characters' leeway): these decide what it shows


class HelpNotFound(NotFound):
    """Nothing at this help-centre address; the page links to the brand's help centre when there is one
    (kept as plain values: the error page is drawn after the transaction has been rolled back)."""

    def __init__(self, message: str, brand: Brand | None = None, **details: Any) -> None:
        super().__init__(message, **details)
        self.brand = BrandRef(brand.slug, brand.name, tuple(brand.locales), brand.default_locale) if brand else None


@router.get("/static/{name}")
async def static_file(name: str) -> FileResponse:
    if name not in static_files():
        raise HelpNotFound(N_("There is nothing at this address."))
    media_type = (mimetypes.guess_type(name)[0] or "application/octet-stream") + "; charset=utf-8"
    return FileResponse(STATIC_DIR / name, media_type=media_type,
                        headers={"Cache-Control": "public, max-age=31536000, immutable"})


async def _brand(session: AsyncSession, slug: str, version: int | None = None) -> tuple[Brand, Channel | None]:
    """The brand and its web chat channel; kept in memory for the public `version` the page is drawn at."""
    brand, channel = await repository.brand_with_webchat(session, slug[:64]) if version is None else \
        await indexes.brand(session, slug[:64], version)
    if brand is None or not brand.is_active:
        raise HelpNotFound(N_("There is no help centre at this address."))
    return brand, channel if channel is not None and channel.is_active else None


async def _brand_in(session: AsyncSession, slug: str, locale: str, request: Request | None = None
                    ) -> tuple[Brand, Channel | None]:
    brand, channel = await _brand(session, slug, request.scope.get(PUBLIC_VERSION) if request else None)
    if request is not None:  # (the brand's search indexes, loaded in the background for the first reader)
        indexes.warm(request.app.state.db, brand.id, [locale, *brand.locales])
    if locale not in brand.locales:
        raise HelpNotFound(N_("This help centre is not available in '%(locale)s'. Choose one of its languages "
                              "below."), brand=brand, locale=locale[:16])
    i18n.current_locale.set(locale)
    return brand, channel


def _base(brand: Brand, locale: str) -> str:
    return f"/help/{brand.slug}/{locale}"


def _absolute(path: str) -> str:
    return get_settings().base_url.rstrip("/") + path


def _page(template: str, brand: Brand, channel: Channel | None, locale: str, *, path: str,
          alternates: list[str] | None = None, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page of the brand's help centre; `path` is its address after the locale, `alternates` the locales
    it exists in (every locale of the brand unless given), for the language menu and hreflang links."""
    real = alternates if alternates is not None else list(brand.locales)
    return render(template, status_code, brand=brand, channel=channel, home=_base(brand, locale) + "/",
                  base=_base(brand, locale), languages={code: _base(brand, code) + path for code in brand.locales},
                  hreflang={code: _absolute(_base(brand, code) + path) for code in real},
                  x_default=_absolute(_base(brand, brand.default_locale) + path) if brand.default_locale in real
                  else None, absolute=_absolute, **context)


def _names(category: KbCategory, brand: Brand, locale: str) -> tuple[str, str]:
    """(name, description) of a category in `locale`, else in the brand's default locale."""
    return (category.names.get(locale) or category.names.get(brand.default_locale) or category.slug,
            category.descriptions.get(locale) or category.descriptions.get(brand.default_locale) or "")


@router.get("/{brand_slug}", response_class=RedirectResponse)
@router.get("/{brand_slug}/", response_class=RedirectResponse)
async def choose_locale(brand_slug: str, request: Request, session: AsyncSession = Depends(read_session_dep)):
    """The help centre in the reader's language (Accept-Language), else the brand's default."""
    brand, _channel = await _brand(session, brand_slug)
    wanted = i18n.negotiate(request.headers.get("accept-language"), brand.default_locale)
    locale = wanted if wanted in brand.locales else brand.default_locale
    return RedirectResponse(_base(brand, locale) + "/", status_code=302, headers={"Vary": "Accept-Language"})


@router.get("/{brand_slug}/sitemap.xml")
async def sitemap(brand_slug: str, session: AsyncSession = Depends(read_session_dep)) -> Response:
    """Every page of the help centre in every locale, each with its language alternates."""
    brand, _channel = await _brand(session, brand_slug)
    entries: list[dict[str, Any]] = []
    every = list(brand.locales)
    entries += [{"path": "/", "locales": every}, {"path": "/contact", "locales": every}]
    entries += [{"path": f"/c/{c.slug}", "locales": every} for c in await public_kb.public_categories(session, brand)]
    shown = await public_kb.published_articles(session, brand, brand.default_locale)
    published = await public_kb.published_locales_of(session, brand)
    entries += [{"path": f"/a/{s.article.slug}", "locales": published.get(s.article.id, []),
                 "updated": s.translation.published_at} for s in shown]
    xml = env.get_template("sitemap.xml").render(brand=brand, entries=entries, absolute=_absolute,
                                                 default_locale=brand.default_locale)
    return Response(xml, media_type="application/xml; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=3600"})


@router.get("/{brand_slug}/{locale}", response_class=HTMLResponse)
@router.get("/{brand_slug}/{locale}/", response_class=HTMLResponse)
async def home(brand_slug: str, locale: str, request: Request,
               session: AsyncSession = Depends(read_session_dep)) -> HTMLResponse:
    brand, channel = await _brand_in(session, brand_slug, locale, request)
    shown = await public_kb.published_articles(session, brand, locale)
    sections = []
    for category in await public_kb.public_categories(session, brand):
        articles = [s for s in shown if s.article.category_id == category.id]
        if articles:
            name, description = _names(category, brand, locale)
            sections.append({"category": category, "name": name, "description": description, "articles": articles})
    return _page("home.html", brand, channel, locale, path="/", sections=sections,
                 loose=[s for s in shown if s.article.category_id is None])


@router.get("/{brand_slug}/{locale}/c/{category_slug}", response_class=HTMLResponse)
async def category_page(brand_slug: str, locale: str, category_slug: str, request: Request,
                        session: AsyncSession = Depends(read_session_dep)) -> HTMLResponse:
    brand, channel = await _brand_in(session, brand_slug, locale, request)
    category = next((c for c in await public_kb.public_categories(session, brand) if c.slug == category_slug),
                    None)
    if category is None:
        raise HelpNotFound(N_("There is no such topic in this help centre."), brand=brand)
    name, description = _names(category, brand, locale)
    return _page("category.html", brand, channel, locale, path=f"/c/{category.slug}", name=name,
                 description=description, articles=await public_kb.published_articles(session, brand, locale,
                                                                                         category.id))


@router.get("/{brand_slug}/{locale}/a/{article_slug}", response_class=HTMLResponse)
async def article_page(brand_slug: str, locale: str, article_slug: str, request: Request,
                       session: AsyncSession = Depends(read_session_dep)) -> HTMLResponse:
    brand, channel = await _brand_in(session, brand_slug, locale, request)
    page = await public_kb.article_page(session, brand, locale, article_slug[:120],
                                        request.scope.get(PUBLIC_VERSION), RELATED)
    voted = request.query_params.get("voted")
    return _page("article.html", brand, channel, locale, path=f"/a/{page.shown.article.slug}",
                 alternates=page.alternates, shown=page.shown, body=Markup(page.shown.version.html),  # noqa: S704
                 category=page.category, related=page.related,
                 category_name=_names(page.category, brand, locale)[0] if page.category else None,
                 voted=voted if voted in ("yes", "no") else None)


@router.post("/{brand_slug}/{locale}/a/{article_slug}/vote")
async def vote(brand_slug: str, locale: str, article_slug: str, request: Request,
               session: AsyncSession = Depends(session_dep)) -> Response:
    """'Was this helpful?' from a plain form: one answer per reader (a random cookie) and article language."""
    brand, _channel = await _brand_in(session, brand_slug, locale)
    answer = (await request.form()).get("helpful")
    if answer not in ("yes", "no"):
        raise BadRequest(N_("Choose 'Yes' or 'No'."), code="invalid_vote")
    await rate_limit(request, "kb-vote", "widget_rate_limit", key=client_ip(request))
    shown = await public_kb.published_article(session, brand, locale, article_slug[:120])
    reader = request.cookies.get(VOTER_COOKIE)
    if not reader or len(reader) > 64:
        reader = secrets.token(24)
    await public_kb.vote(session, shown.translation, hashlib.sha256(reader.encode()).hexdigest(), answer == "yes")
    response = RedirectResponse(f"{_base(brand, locale)}/a/{shown.article.slug}?voted={answer}#helpful",
                                status_code=303)
    response.set_cookie(VOTER_COOKIE, reader, max_age=365 * 24 * 3600, path="/help/", httponly=True,
                        samesite="lax", secure=get_settings().production)
    return response


@router.get("/{brand_slug}/{locale}/search", response_class=HTMLResponse)
async def search_page(brand_slug: str, locale: str, request: Request, q: str = Query("", max_length=10_000),
                      session: AsyncSession = Depends(read_session_dep)) -> HTMLResponse:
    brand, channel = await _brand_in(session, brand_slug, locale, request)
    query = " ".join(q.split())[:MAX_QUERY]
    hits = await search.search_articles(session, brand.id, locale, query, version=request.scope.get(PUBLIC_VERSION),
                                        snippet=SNIPPET, default_locale=brand.default_locale) if query else []
    return _page("search.html", brand, channel, locale, path=f"/search?q={quote_plus(query)}" if query else "/search",
                 query=query, hits=hits)


@router.get("/{brand_slug}/{locale}/contact", response_class=HTMLResponse)
async def contact(brand_slug: str, locale: str, request: Request,
                  session: AsyncSession = Depends(read_session_dep)) -> HTMLResponse:
    brand, channel = await _brand_in(session, brand_slug, locale, request)
    return _page("contact.html", brand, channel, locale, path="/contact",
                 contacts=await public_kb.contacts(session, brand))
