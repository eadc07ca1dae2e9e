"""Knowledge-base rules for editors: categories, articles and their translations, versions, publishing.

Every save of a translation is a new, immutable version with its author; publishing puts one version on
the help centre (the latest, or an older one to roll back) and into the search index. What readers see
(published articles with the default-locale fallback, votes) is public.py. The service never commits.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy.ext.asyncio import AsyncSession

from croupier.audit.service import audit_service
from croupier.auth.principal import Principal
from croupier.errors import BadRequest, Conflict, NotFound, PayloadTooLarge
from croupier.intents import INTENTS
from croupier.kb import repository, search
from croupier.kb.schemas import ArticleIn, ArticleUpdate, CategoryIn, CategoryUpdate
from croupier.kit.clock import utcnow
from croupier.kit.i18n import N_
from croupier.kit.markdown import render_markdown
from croupier.models import (
    Article,
    ArticleStatus,
    ArticleTranslation,
    ArticleVersion,
    Brand,
    HelpCentreContacts,
    KbCategory,
)

MAX_BODY_CHARS = 100_000
MAX_TITLE_CHARS = 300
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def check_slug(value: str, limit: int) -> str:
    value = value.strip()
    if not SLUG.fullmatch(value) or len(value) > limit:
        raise BadRequest(N_("'%(slug)s' cannot be an address name: use lower-case letters, digits and single "
                            "dashes, at most %(limit)s characters."), code="invalid_slug", slug=value[:40],
                         limit=limit)
    return value


def check_locale(brand: Brand, locale: str) -> str:
    if locale not in brand.locales:
        raise BadRequest(N_("The brand does not use the language '%(locale)s'. Its languages: %(locales)s."),
                         code="unknown_locale", locale=locale[:16], locales=", ".join(brand.locales))
    return locale


def check_intents(intents: list[str]) -> list[str]:
    unknown = [i for i in intents if i not in INTENTS]
    if unknown:
        raise BadRequest(N_("Unknown intent: %(intents)s. Known intents: %(known)s."), code="unknown_intent",
                         intents=", ".join(unknown)[:200], known=", ".join(INTENTS))
    return list(dict.fromkeys(intents))


def check_title(title: str) -> str:
    title = " ".join("".join(c for c in title if unicodedata.category(c)[0] != "C" or c in " \t\n").split())
    if not title:
        raise BadRequest(N_("The article needs a title."), code="title_missing")
    if len(title) > MAX_TITLE_CHARS:
        raise BadRequest(N_("The title is too long: at most %(limit)s characters."), code="title_too_long",
                         limit=MAX_TITLE_CHARS)
    return title


def check_body(body: str) -> str:
    """The Markdown body with newlines normalised (one at the end, so exports and imports round-trip)."""
    body = body.replace("\r\n", "\n").replace("\x00", "").strip("\n")
    if not body.strip():
        raise BadRequest(N_("The article needs some text."), code="body_missing")
    if len(body) > MAX_BODY_CHARS:
        raise PayloadTooLarge(N_("The article is %(size)s characters long; the limit is %(limit)s."),
                              code="body_too_large", size=len(body), limit=MAX_BODY_CHARS)
    return body + "\n"


class KbService:
    # -- categories ----------------------------------------------------------------
    async def brand(self, session: AsyncSession, principal: Principal, brand_id: int) -> Brand:
        principal.require("kb:read")
        brand = await repository.brand_for(session, principal, brand_id)
        if brand is None:
            raise NotFound(N_("There is no brand %(id)s."), id=brand_id)
        return brand

    async def categories(self, session: AsyncSession, principal: Principal, brand_id: int) -> list[KbCategory]:
        brand = await self.brand(session, principal, brand_id)
        return await repository.categories_of(session, brand.id)

    def _names(self, brand: Brand, names: dict[str, str], *, required: bool) -> dict[str, str]:
        clean = {check_locale(brand, k): check_title(v) for k, v in names.items()}
        if required and brand.default_locale not in clean:
            raise BadRequest(N_("Name the category in the brand's default language (%(locale)s)."),
                             code="default_name_missing", locale=brand.default_locale)
        return clean

    async def create_category(self, session: AsyncSession, principal: Principal | None, data: CategoryIn, *,
                              ip: str | None = None, actor: str = "cli") -> KbCategory:
        """Create a category; `principal` None means the command line, the demo seed or an import."""
        brand = await self._writable_brand(session, principal, data.brand_id)
        slug = check_slug(data.slug, 80)
        if await repository.category_by_slug(session, brand.id, slug):
            raise Conflict(N_("The brand already has a category '%(slug)s'."), code="slug_taken", slug=slug)
        category = KbCategory(brand_id=brand.id, slug=slug, position=data.position,
                              names=self._names(brand, data.names, required=True),
                              descriptions={check_locale(brand, k): v.strip()[:500]
                                            for k, v in data.descriptions.items()})
        session.add(category)
        await session.flush()
        await audit_service.record(session, "kb.category_created", principal=principal, actor=actor,
                                   target_type="kb_category", target_id=category.id, brand_id=brand.id, ip=ip,
                                   slug=slug)
        return category

    async def update_category(self, session: AsyncSession, principal: Principal | None, category_id: int,
                              data: CategoryUpdate, *, ip: str | None = None, actor: str = "cli") -> KbCategory:
        if principal is not None:
            principal.require("kb:write")
        category = await session.get(KbCategory, category_id)
        if category is None or (principal is not None and not principal.sees_brand(category.brand_id)):
            raise NotFound(N_("There is no category %(id)s."), id=category_id)
        brand = await self._writable_brand(session, principal, category.brand_id)
        changes = data.model_dump(exclude_unset=True, exclude_none=True)
        if "slug" in changes:
            slug = check_slug(changes["slug"], 80)
            other = await repository.category_by_slug(session, brand.id, slug)
            if other is not None and other.id != category.id:
                raise Conflict(N_("The brand already has a category '%(slug)s'."), code="slug_taken", slug=slug)
            category.slug = slug
        if "names" in changes:
            category.names = self._names(brand, changes["names"], required=True)
        if "descriptions" in changes:
            category.descriptions = {check_locale(brand, k): v.strip()[:500] for k, v in changes["descriptions"].items()}
        if "position" in changes:
            category.position = changes["position"]
        if changes:
            await audit_service.record(session, "kb.category_updated", principal=principal, actor=actor,
                                       target_type="kb_category", target_id=category.id, brand_id=brand.id,
                                       ip=ip, changes=sorted(changes))
        return category

    # -- articles ------------------------------------------------------------------
    async def articles(self, session: AsyncSession, principal: Principal, brand_id: int,
                       category_id: int | None = None) -> list[Article]:
        brand = await self.brand(session, principal, brand_id)
        return await repository.articles_of(session, brand.id, category_id)

    async def article(self, session: AsyncSession, principal: Principal, article_id: int,
                      *, for_update: bool = False) -> Article:
        principal.require("kb:read")
        article = await repository.article_for(session, principal, article_id, for_update=for_update)
        if article is None:
            raise NotFound(N_("There is no article %(id)s."), id=article_id)
        return article

    async def create_article(self, session: AsyncSession, principal: Principal | None, data: ArticleIn, *,
                             ip: str | None = None, actor: str = "cli") -> Article:
        """A new article with its first translation saved as a draft (version 1)."""
        brand = await self._writable_brand(session, principal, data.brand_id)
        slug = check_slug(data.slug, 120)
        check_locale(brand, data.locale)
        if await repository.article_by_slug(session, brand.id, slug):
            raise Conflict(N_("The brand already has an article '%(slug)s'."), code="slug_taken", slug=slug)
        article = Article(brand_id=brand.id, slug=slug, position=data.position, intents=check_intents(data.intents),
                          category_id=await self._category_id(session, brand, data.category_id))
        session.add(article)
        await session.flush()
        await audit_service.record(session, "kb.article_created", principal=principal, actor=actor,
                                   target_type="kb_article", target_id=article.id, brand_id=brand.id, ip=ip,
                                   slug=slug)
        await self.save_translation(session, principal, article.id, data.locale, data.title, data.body,
                                    note=data.note, ip=ip, actor=actor)
        return article

    async def update_article(self, session: AsyncSession, principal: Principal | None, article_id: int,
                             data: ArticleUpdate, *, ip: str | None = None, actor: str = "cli") -> Article:
        article = await self._writable_article(session, principal, article_id)
        brand = await session.get(Brand, article.brand_id)
        changes: dict[str, object] = {}
        if data.slug is not None and data.slug != article.slug:
            slug = check_slug(data.slug, 120)
            if await repository.article_by_slug(session, brand.id, slug):
                raise Conflict(N_("The brand already has an article '%(slug)s'."), code="slug_taken", slug=slug)
            changes["slug"] = article.slug = slug
        if data.category_id is not None:
            category_id = await self._category_id(session, brand, data.category_id or None)
            if category_id != article.category_id:
                changes["category_id"] = article.category_id = category_id
        if data.intents is not None and check_intents(data.intents) != article.intents:
            changes["intents"] = article.intents = check_intents(data.intents)
        if data.position is not None and data.position != article.position:
            changes["position"] = article.position = data.position
        if changes:
            article.updated_at = utcnow()
            await audit_service.record(session, "kb.article_updated", principal=principal, actor=actor,
                                       target_type="kb_article", target_id=article.id, brand_id=article.brand_id,
                                       ip=ip, changes=changes)
        return article

    async def delete_article(self, session: AsyncSession, principal: Principal, article_id: int, *,
                             ip: str | None = None) -> None:
        article = await self._writable_article(session, principal, article_id)
        for t in (await repository.translations_of(session, [article.id])).get(article.id, []):
            await search.unindex(session, t.id)
        await session.delete(article)
        await audit_service.record(session, "kb.article_deleted", principal=principal, target_type="kb_article",
                                   target_id=article.id, brand_id=article.brand_id, ip=ip, slug=article.slug)

    async def translations(self, session: AsyncSession, article_ids: list[int]
                           ) -> dict[int, list[ArticleTranslation]]:
        """The translations of articles the caller has already been allowed to read."""
        return await repository.translations_of(session, article_ids)

    # -- translations and versions -------------------------------------------------
    async def save_translation(self, session: AsyncSession, principal: Principal | None, article_id: int,
                               locale: str, title: str, body: str, *, note: str = "", ip: str | None = None,
                               actor: str = "cli") -> tuple[ArticleTranslation, bool]:
        """Save a new draft version of the article in `locale` (creating the translation if need be).
        Returns (translation, saved): saving what the latest version already says adds nothing."""
        article = await self._writable_article(session, principal, article_id)
        brand = await session.get(Brand, article.brand_id)
        check_locale(brand, locale)
        title, body = check_title(title), check_body(body)
        translation = await repository.translation(session, article.id, locale)
        if translation is None:
            translation = ArticleTranslation(article_id=article.id, brand_id=article.brand_id, locale=locale,
                                             title=title, status=ArticleStatus.draft, latest_version=0)
            session.add(translation)
            await session.flush()
        else:
            latest = await repository.version(session, translation.id, translation.latest_version)
            if latest is not None and latest.title == title and latest.body == body:
                return translation, False
        now = utcnow()
        translation.latest_version += 1
        translation.title, translation.updated_at = title, now
        article.updated_at = now
        session.add(ArticleVersion(translation_id=translation.id, number=translation.latest_version, title=title,
                                   body=body, author_user_id=principal.user_id if principal else None,
                                   author=principal.label if principal else actor, note=note.strip()[:300],
                                   created_at=now))
        await session.flush()
        await audit_service.record(session, "kb.translation_saved", principal=principal, actor=actor,
                                   target_type="kb_article", target_id=article.id, brand_id=article.brand_id,
                                   ip=ip, locale=locale, version=translation.latest_version)
        return translation, True

    async def versions(self, session: AsyncSession, principal: Principal, article_id: int, locale: str
                       ) -> list[ArticleVersion]:
        article = await self.article(session, principal, article_id)
        translation = await self._translation(session, article, locale)
        return await repository.versions(session, translation.id)

    async def version(self, session: AsyncSession, principal: Principal, article_id: int, locale: str,
                      number: int | None = None) -> ArticleVersion:
        """One version of a translation; the latest when `number` is None."""
        article = await self.article(session, principal, article_id)
        return await self._version(session, await self._translation(session, article, locale), number)

    async def publish(self, session: AsyncSession, principal: Principal | None, article_id: int, locale: str,
                      number: int | None = None, *, ip: str | None = None, actor: str = "cli"
                      ) -> ArticleTranslation:
        """Put a version (default: the latest) on the help centre and in search."""
        article = await self._writable_article(session, principal, article_id)
        translation = await self._translation(session, article, locale)
        version = await self._version(session, translation, number)
        now = utcnow()
        translation.status, translation.published_version, translation.published_at = \
            ArticleStatus.published, version.number, now
        version.published_at = now
        if version.html is None:  # (a version never changes: rendered once, when first published)
            version.html = str(render_markdown(version.body))
        await search.index(session, translation, version.title, version.body)
        await audit_service.record(session, "kb.translation_published", principal=principal, actor=actor,
                                   target_type="kb_article", target_id=article.id, brand_id=article.brand_id,
                                   ip=ip, locale=locale, version=version.number)
        return translation

    async def unpublish(self, session: AsyncSession, principal: Principal, article_id: int, locale: str, *,
                        ip: str | None = None) -> ArticleTranslation:
        """Take a translation off the help centre (readers of that locale get the fallback, if any)."""
        article = await self._writable_article(session, principal, article_id)
        translation = await self._translation(session, article, locale)
        if translation.status == ArticleStatus.published:
            translation.status, translation.published_version = ArticleStatus.draft, None
            await search.unindex(session, translation.id)
            await audit_service.record(session, "kb.translation_unpublished", principal=principal,
                                       target_type="kb_article", target_id=article.id, brand_id=article.brand_id,
                                       ip=ip, locale=locale)
        return translation

    async def set_contacts(self, session: AsyncSession, principal: Principal | None, brand_id: int,
                           email: str | None, messengers: list[dict[str, str]], *, ip: str | None = None,
                           actor: str = "cli") -> HelpCentreContacts:
        """The help centre's e-mail address and messenger links (checked by the caller: see importexport)."""
        brand = await self._writable_brand(session, principal, brand_id)
        contacts = await session.get(HelpCentreContacts, brand.id)
        if contacts is None:
            contacts = HelpCentreContacts(brand_id=brand.id)
            session.add(contacts)
        if (contacts.email, contacts.messengers) != (email, messengers):
            contacts.email, contacts.messengers = email, messengers
            await session.flush()
            await audit_service.record(session, "kb.contacts_updated", principal=principal, actor=actor,
                                       target_type="brand", target_id=brand.id, brand_id=brand.id, ip=ip)
        return contacts

    # -- internals -----------------------------------------------------------------
    async def _writable_brand(self, session: AsyncSession, principal: Principal | None, brand_id: int) -> Brand:
        if principal is None:
            brand = await session.get(Brand, brand_id)
        else:
            principal.require("kb:write")
            brand = await repository.brand_for(session, principal, brand_id)
        if brand is None:
            raise NotFound(N_("There is no brand %(id)s."), id=brand_id)
        return brand

    async def _writable_article(self, session: AsyncSession, principal: Principal | None, article_id: int
                                ) -> Article:
        if principal is None:
            article = await session.get(Article, article_id)
        else:
            principal.require("kb:write")
            article = await repository.article_for(session, principal, article_id, for_update=True)
        if article is None:
            raise NotFound(N_("There is no article %(id)s."), id=article_id)
        return article

    async def _translation(self, session: AsyncSession, article: Article, locale: str) -> ArticleTranslation:
        translation = await repository.translation(session, article.id, locale)
        if translation is None:
            raise NotFound(N_("The article has no '%(locale)s' translation yet."), locale=locale[:16])
        return translation

    async def _version(self, session: AsyncSession, translation: ArticleTranslation, number: int | None
                       ) -> ArticleVersion:
        found = await repository.version(session, translation.id, number or translation.latest_version)
        if found is None:
            raise NotFound(N_("There is no version %(number)s of this article in '%(locale)s'."),
                           number=number, locale=translation.locale)
        return found

    async def _category_id(self, session: AsyncSession, brand: Brand, category_id: int | None) -> int | None:
        if category_id is None:
            return None
        category = await session.get(KbCategory, category_id)
        if category is None or category.brand_id != brand.id:
            raise BadRequest(N_("There is no category %(id)s in this brand."), code="unknown_category",
                             id=category_id)
        return category.id


kb_service = KbService()
