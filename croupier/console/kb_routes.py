"""Knowledge-base editing in the console: the brand's articles with the state of every translation, an
editor with the reference translation beside the one being written, publishing, history and rollback,
and import/export of the Markdown files. Agents read; supervisors and admins edit (kb:write)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.brand.service import brand_service
from croupier.console.rendering import go, render
from croupier.console.staff import Staff, signed_in
from croupier.errors import BadRequest
from croupier.intents import INTENTS
from croupier.kb import archive, importexport
from croupier.kb.schemas import ArticleIn, ArticleUpdate, CategoryIn
from croupier.kb.service import kb_service
from croupier.kit.i18n import N_
from croupier.kit.markdown import render_markdown
from croupier.models import Brand
from croupier.web import client_ip, session_dep

router = APIRouter(prefix="/kb")
PAGE = "/console/kb"
BAD_VALUE = N_("The field '%(name)s' does not accept the value '%(value)s'.")


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _number(form: Any, name: str, *, optional: bool = False) -> int | None:
    value = _text(form, name)
    if optional and not value:
        return None
    if not value.isdigit() or len(value) > 18:
        raise BadRequest(BAD_VALUE, code="invalid_field", name=name, value=value[:40])
    return int(value)


async def _brand(session: AsyncSession, staff: Staff, brand_id: str | None) -> tuple[Brand, list[Brand]]:
    """The brand asked for (default: the first the user works on) and all of them, for the switcher."""
    brands = await brand_service.list(session, staff.principal)
    if not brands:
        raise BadRequest(N_("You do not work on any brand yet."), code="no_brand")
    wanted = int(brand_id) if brand_id and brand_id.isdigit() and len(brand_id) < 19 else brands[0].id
    return await kb_service.brand(session, staff.principal, wanted), brands


@router.get("", response_class=HTMLResponse)
async def index(request: Request, staff: Staff = Depends(signed_in),
                session: AsyncSession = Depends(session_dep)) -> HTMLResponse:
    brand, brands = await _brand(session, staff, request.query_params.get("brand"))
    articles = await kb_service.articles(session, staff.principal, brand.id)
    translations = await kb_service.translations(session, [a.id for a in articles])
    categories = await kb_service.categories(session, staff.principal, brand.id)
    return render(request, "kb/index.html", brand=brand, brands=brands, categories=categories,
                  category_names={c.id: c.names.get(brand.default_locale, c.slug) for c in categories},
                  rows=[{"article": a, "translations": {t.locale: t for t in translations.get(a.id, [])}}
                        for a in articles], can_edit=staff.principal.allows("kb:write"),
                  imported=request.query_params.get("imported"))


@router.post("/categories")
async def add_category(request: Request, staff: Staff = Depends(signed_in),
                       session: AsyncSession = Depends(session_dep)) -> Response:
    form = await request.form()
    brand, _brands = await _brand(session, staff, _text(form, "brand_id"))
    await kb_service.create_category(session, staff.principal, CategoryIn(
        brand_id=brand.id, slug=_text(form, "slug"), names={brand.default_locale: _text(form, "name")}),
        ip=client_ip(request))
    return go(request, f"{PAGE}?brand={brand.id}")


@router.post("/articles")
async def add_article(request: Request, staff: Staff = Depends(signed_in),
                      session: AsyncSession = Depends(session_dep)) -> Response:
    form = await request.form()
    brand, _brands = await _brand(session, staff, _text(form, "brand_id"))
    article = await kb_service.create_article(session, staff.principal, ArticleIn.model_construct(
        brand_id=brand.id, slug=_text(form, "slug"), locale=brand.default_locale, title=_text(form, "title"),
        body=_text(form, "body"), note="", category_id=_number(form, "category_id", optional=True), intents=[],
        position=0), ip=client_ip(request))
    return go(request, f"{PAGE}/articles/{article.id}")


@router.get("/articles/{article_id:int}", response_class=HTMLResponse)
async def editor(article_id: int, request: Request, staff: Staff = Depends(signed_in),
                 session: AsyncSession = Depends(session_dep)) -> HTMLResponse:
    article = await kb_service.article(session, staff.principal, article_id)
    brand = await kb_service.brand(session, staff.principal, article.brand_id)
    translations = {t.locale: t for t in (await kb_service.translations(session, [article.id])).get(article.id, [])}
    locale = request.query_params.get("locale") or brand.default_locale
    if locale not in brand.locales:
        locale = brand.default_locale
    reference = brand.default_locale if locale != brand.default_locale else None
    latest = await kb_service.version(session, staff.principal, article.id, locale) \
        if locale in translations else None
    ref_version = await kb_service.version(session, staff.principal, article.id, reference) \
        if reference in translations else None
    return render(request, "kb/article.html", article=article, brand=brand, locale=locale, translations=translations,
                  latest=latest, latest_html=render_markdown(latest.body) if latest else None, reference=reference, ref_version=ref_version,
                  ref_html=render_markdown(ref_version.body) if ref_version else None,
                  history=await kb_service.versions(session, staff.principal, article.id, locale)
                  if latest else [], categories=await kb_service.categories(session, staff.principal, brand.id),
                  intents=INTENTS, can_edit=staff.principal.allows("kb:write"),
                  saved=request.query_params.get("saved"))


@router.post("/articles/{article_id:int}")
async def update_article(article_id: int, request: Request, staff: Staff = Depends(signed_in),
                         session: AsyncSession = Depends(session_dep)) -> Response:
    form = await request.form()
    intents = [v for v in form.getlist("intents") if isinstance(v, str)]
    await kb_service.update_article(session, staff.principal, article_id, ArticleUpdate.model_construct(
        slug=_text(form, "slug"), category_id=_number(form, "category_id", optional=True) or 0, intents=intents,
        position=_number(form, "position")), ip=client_ip(request))
    return go(request, f"{PAGE}/articles/{article_id}?saved=settings")


@router.post("/articles/{article_id:int}/translations/{locale:str}")
async def save_translation(article_id: int, locale: str, request: Request, staff: Staff = Depends(signed_in),
                           session: AsyncSession = Depends(session_dep)) -> Response:
    form = await request.form()
    body = form.get("body")
    await kb_service.save_translation(session, staff.principal, article_id, locale[:16], _text(form, "title"),
                                      body if isinstance(body, str) else "", note=_text(form, "note"),
                                      ip=client_ip(request))
    action = _text(form, "action")
    if action == "publish":
        await kb_service.publish(session, staff.principal, article_id, locale[:16], ip=client_ip(request))
    return go(request, f"{PAGE}/articles/{article_id}?locale={locale[:16]}&saved={action or 'draft'}")


@router.post("/articles/{article_id:int}/translations/{locale:str}/{action:str}")
async def publishing(article_id: int, locale: str, action: str, request: Request, staff: Staff = Depends(signed_in),
                     session: AsyncSession = Depends(session_dep)) -> Response:
    form = await request.form()
    if action == "publish":
        await kb_service.publish(session, staff.principal, article_id, locale[:16],
                                 _number(form, "version", optional=True), ip=client_ip(request))
    elif action == "unpublish":
        await kb_service.unpublish(session, staff.principal, article_id, locale[:16], ip=client_ip(request))
    else:
        raise BadRequest(N_("Unknown action."), code="unknown_action")
    return go(request, f"{PAGE}/articles/{article_id}?locale={locale[:16]}&saved={action}")


@router.get("/export")
async def export(request: Request, staff: Staff = Depends(signed_in),
                 session: AsyncSession = Depends(session_dep)) -> Response:
    brand, _brands = await _brand(session, staff, request.query_params.get("brand"))
    files = await importexport.export_files(session, staff.principal, brand.id)
    return archive.zip_download(files, brand.slug)


@router.post("/import")
async def import_zip(request: Request, file: UploadFile = File(...), staff: Staff = Depends(signed_in),
                     session: AsyncSession = Depends(session_dep)) -> Response:
    form = await request.form()
    brand, _brands = await _brand(session, staff, _text(form, "brand_id"))
    staff.principal.require("kb:write")
    report = await importexport.import_files(session, staff.principal, brand.id,
                                             await archive.files_from_upload(file), ip=client_ip(request))
    return go(request, f"{PAGE}?brand={brand.id}&imported={report.versions}")
