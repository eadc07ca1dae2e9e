"""REST API v1: the knowledge base (HTTP only; rules live in service.py, files in importexport.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Path, Query, Request, Response, UploadFile
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.auth.dependencies import api_principal
from croupier.auth.principal import Principal
from croupier.kb import archive, importexport, search
from croupier.kb.schemas import (
    ArticleIn,
    ArticleOut,
    ArticleUpdate,
    CategoryIn,
    CategoryOut,
    CategoryUpdate,
    HitOut,
    ImportReport,
    PublishIn,
    TranslationIn,
    TranslationOut,
    VersionOut,
)
from croupier.kb.service import kb_service
from croupier.kit.error_schemas import API_ERRORS, CONFLICT
from croupier.kit.ids import MAX_ID, PathId
from croupier.kit.json_route import JsonRoute
from croupier.models import Article
from croupier.web import client_ip, session_dep

router = APIRouter(prefix="/api/v1/kb", tags=["knowledge base"], route_class=JsonRoute, responses=API_ERRORS)
BrandId = Query(ge=1, le=MAX_ID, description="The brand whose knowledge base this is")
Locale = Query(min_length=2, max_length=16)
LocaleSegment = Annotated[str, Path(min_length=2, max_length=16, description="A language of the brand, e.g. pl")]
ZIP_RESPONSE = {200: {"description": "A zip of categories.yaml and articles/<slug>/<locale>.md (docs/kb.md)",
                      "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}}}


async def _articles_out(session: AsyncSession, articles: list[Article]) -> list[ArticleOut]:
    translations = await kb_service.translations(session, [a.id for a in articles])
    out = []
    for article in articles:
        item = ArticleOut.model_validate(article)
        item.translations = [TranslationOut.model_validate(t) for t in translations.get(article.id, [])]
        out.append(item)
    return out


async def _article_out(session: AsyncSession, article: Article) -> ArticleOut:
    return (await _articles_out(session, [article]))[0]


@router.get("/categories", response_model=list[CategoryOut], summary="List a brand's categories")
async def list_categories(brand_id: int = BrandId, principal: Principal = Depends(api_principal),
                          session: AsyncSession = Depends(session_dep)):
    return await kb_service.categories(session, principal, brand_id)


@router.post("/categories", status_code=201, response_model=CategoryOut, responses=CONFLICT,
             summary="Create a category")
async def create_category(data: CategoryIn, request: Request, principal: Principal = Depends(api_principal),
                          session: AsyncSession = Depends(session_dep)):
    return await kb_service.create_category(session, principal, data, ip=client_ip(request))


@router.patch("/categories/{category_id}", response_model=CategoryOut, responses=CONFLICT,
              summary="Rename, re-order or re-address a category")
async def update_category(category_id: PathId, data: CategoryUpdate, request: Request,
                          principal: Principal = Depends(api_principal), session: AsyncSession = Depends(session_dep)):
    return await kb_service.update_category(session, principal, category_id, data, ip=client_ip(request))


@router.get("/articles", response_model=list[ArticleOut], summary="List a brand's articles with their translations")
async def list_articles(brand_id: int = BrandId, category_id: int | None = Query(None, ge=1, le=MAX_ID),
                        principal: Principal = Depends(api_principal), session: AsyncSession = Depends(session_dep)):
    return await _articles_out(session, await kb_service.articles(session, principal, brand_id, category_id))


@router.post("/articles", status_code=201, response_model=ArticleOut, responses=CONFLICT,
             summary="Create an article with its first translation as a draft")
async def create_article(data: ArticleIn, request: Request, principal: Principal = Depends(api_principal),
                         session: AsyncSession = Depends(session_dep)):
    article = await kb_service.create_article(session, principal, data, ip=client_ip(request))
    return await _article_out(session, article)


@router.get("/articles/{article_id}", response_model=ArticleOut, summary="Get an article and its translations")
async def get_article(article_id: PathId, principal: Principal = Depends(api_principal),
                      session: AsyncSession = Depends(session_dep)):
    return await _article_out(session, await kb_service.article(session, principal, article_id))


@router.patch("/articles/{article_id}", response_model=ArticleOut, responses=CONFLICT,
              summary="Change an article's address, category, intents or position")
async def update_article(article_id: PathId, data: ArticleUpdate, request: Request,
                         principal: Principal = Depends(api_principal), session: AsyncSession = Depends(session_dep)):
    article = await kb_service.update_article(session, principal, article_id, data, ip=client_ip(request))
    return await _article_out(session, article)


@router.delete("/articles/{article_id}", response_model=ArticleOut,
               summary="Delete an article in every language, with its history")
async def delete_article(article_id: PathId, request: Request, principal: Principal = Depends(api_principal),
                         session: AsyncSession = Depends(session_dep)):
    principal.require("kb:write")
    out = await _article_out(session, await kb_service.article(session, principal, article_id))
    await kb_service.delete_article(session, principal, article_id, ip=client_ip(request))
    return out


@router.put("/articles/{article_id}/translations/{locale}", response_model=TranslationOut,
            summary="Save a new draft version of the article in one language")
async def save_translation(article_id: PathId, locale: LocaleSegment, data: TranslationIn, request: Request,
                           principal: Principal = Depends(api_principal), session: AsyncSession = Depends(session_dep)):
    translation, _saved = await kb_service.save_translation(session, principal, article_id, locale, data.title,
                                                            data.body, note=data.note, ip=client_ip(request))
    return translation


@router.get("/articles/{article_id}/translations/{locale}/versions", response_model=list[VersionOut],
            summary="The history of one translation, newest first: who saved what, when, and what went live")
async def list_versions(article_id: PathId, locale: LocaleSegment, principal: Principal = Depends(api_principal),
                        session: AsyncSession = Depends(session_dep)):
    return await kb_service.versions(session, principal, article_id, locale)


@router.post("/articles/{article_id}/translations/{locale}/publish", response_model=TranslationOut,
             summary="Publish the latest version (or roll back to an older one) on the help centre")
async def publish(article_id: PathId, locale: LocaleSegment, request: Request, data: PublishIn | None = None,
                  principal: Principal = Depends(api_principal), session: AsyncSession = Depends(session_dep)):
    return await kb_service.publish(session, principal, article_id, locale, data.version if data else None,
                                    ip=client_ip(request))


@router.post("/articles/{article_id}/translations/{locale}/unpublish", response_model=TranslationOut,
             summary="Take one translation off the help centre")
async def unpublish(article_id: PathId, locale: LocaleSegment, request: Request, principal: Principal = Depends(api_principal),
                    session: AsyncSession = Depends(session_dep)):
    return await kb_service.unpublish(session, principal, article_id, locale, ip=client_ip(request))


@router.get("/search", response_model=list[HitOut],
            summary="Search published passages in one language (untranslated articles in the default language)")
async def search_passages(brand_id: int = BrandId, locale: str = Locale,
                          q: str = Query(min_length=1, max_length=500), limit: int = Query(10, ge=1, le=50),
                          principal: Principal = Depends(api_principal), session: AsyncSession = Depends(session_dep)):
    brand = await kb_service.brand(session, principal, brand_id)
    return await search.search(session, brand.id, locale, q, limit)


@router.get("/export", response_class=Response, responses=ZIP_RESPONSE,
            summary="Download the brand's knowledge base as a zip of Markdown files")
async def export(brand_id: int = BrandId, principal: Principal = Depends(api_principal),
                 session: AsyncSession = Depends(session_dep)):
    brand = await kb_service.brand(session, principal, brand_id)
    files = await importexport.export_files(session, principal, brand.id)
    return archive.zip_download(files, brand.slug)


@router.post("/import", response_model=ImportReport,
             summary="Create or update categories and articles from a zip of Markdown files; all or nothing")
async def import_zip(request: Request, brand_id: int = BrandId, file: UploadFile = File(...),
                     principal: Principal = Depends(api_principal), session: AsyncSession = Depends(session_dep)):
    principal.require("kb:write")
    await kb_service.brand(session, principal, brand_id)
    return await importexport.import_files(session, principal, brand_id, await archive.files_from_upload(file),
                                           ip=client_ip(request))
