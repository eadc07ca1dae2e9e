"""A brand's knowledge base as files, so operators can keep it in git (the format is in docs/kb.md):

    categories.yaml                 - a list of {slug, position, names: {locale: name}, descriptions}
    helpcentre.yaml                 - {email, messengers: [{name, url}]}: contact options besides chat and callback
    articles/<slug>/<locale>.md     - YAML front matter (title, category, intents, position, status) + Markdown

An import is checked whole before anything is written: every problem is reported with its file and line,
and a file with problems changes nothing. Importing what an export produced changes nothing either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.audit.service import audit_service
from croupier.auth.principal import Principal
from croupier.errors import BadRequest, CroupierError
from croupier.intents import INTENTS
from croupier.kb import repository
from croupier.kb.public import public_kb
from croupier.kb.schemas import (
    ArticleIn,
    ArticleUpdate,
    CategoryIn,
    CategoryUpdate,
    ImportProblem,
    ImportReport,
)
from croupier.kb.service import SLUG, check_body, check_title, kb_service
from croupier.kit.i18n import N_, gettext
from croupier.models import ArticleStatus, Brand

CATEGORIES = "categories.yaml"
CONTACTS = "helpcentre.yaml"
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
ARTICLE_PATH = re.compile(r"^articles/([^/]+)/([^/]+)\.md$")
FRONT_MATTER_KEYS = {"title", "category", "intents", "position", "status"}


class ImportRefused(BadRequest):
    code = "invalid_import"

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__(N_("The import has %(count)s problem(s) and changed nothing: %(first)s"),
                         count=len(problems), first=_describe(problems[0]),
                         problems=[p.model_dump() for p in problems])


def _describe(p: ImportProblem) -> str:
    return f"{p.file}:{p.line}: {p.problem}" if p.line else f"{p.file}: {p.problem}"


@dataclass
class _Translation:
    file: str
    locale: str
    title: str
    body: str
    status: ArticleStatus


@dataclass
class _Article:
    slug: str
    category: str | None = None
    intents: list[str] | None = None
    position: int | None = None
    translations: list[_Translation] = field(default_factory=list)


@dataclass
class _Plan:
    categories: list[dict[str, Any]] = field(default_factory=list)
    articles: dict[str, _Article] = field(default_factory=dict)
    contacts: dict[str, Any] | None = None
    problems: list[ImportProblem] = field(default_factory=list)

    def problem(self, file: str, line: int | None, message: str, **params: Any) -> None:
        text = gettext(message)
        self.problems.append(ImportProblem(file=file, line=line, problem=text % params if params else text))


def _key_line(front: list[str], key: str) -> int:
    """The file line (1-based) where `key:` appears in the front matter (which starts on line 2)."""
    for index, line in enumerate(front):
        if line.startswith(f"{key}:"):
            return index + 2
    return 1


def _plan(brand: Brand, files: dict[str, bytes]) -> _Plan:
    plan = _Plan()
    for name in sorted(files):
        if PurePosixPath(name).name.startswith(".") or name.lower() in ("readme.md", "license", "license.md"):
            continue
        text = _decode(plan, name, files[name])
        if text is None:
            continue
        if name == CATEGORIES:
            _read_categories(plan, brand, text)
        elif name == CONTACTS:
            _read_contacts(plan, text)
        elif (match := ARTICLE_PATH.match(name)) is not None:
            _read_article(plan, brand, name, match.group(1), match.group(2), text)
        elif name.endswith((".md", ".yaml", ".yml")):
            plan.problem(name, None, N_("This file is not part of the format: use categories.yaml and "
                                        "articles/<slug>/<locale>.md."))
    known = {c["slug"] for c in plan.categories}
    for article in plan.articles.values():
        if article.category and article.category not in known:
            plan.problem(article.translations[0].file if article.translations else article.slug, None,
                         N_("Unknown category '%(slug)s': add it to categories.yaml."), slug=article.category)
    return plan


def _decode(plan: _Plan, name: str, data: bytes) -> str | None:
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        plan.problem(name, line, N_("The file is not UTF-8 text."))
        return None


def _yaml(plan: _Plan, name: str, text: str, first_line: int) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + first_line if mark is not None else first_line
        plan.problem(name, line, N_("This is not valid YAML: %(problem)s"),
                     problem=getattr(e, "problem", None) or str(e).splitlines()[0])
        return None


def _read_categories(plan: _Plan, brand: Brand, text: str) -> None:
    data = _yaml(plan, CATEGORIES, text, 1)
    if data is None:
        return
    if not isinstance(data, list):
        plan.problem(CATEGORIES, 1, N_("categories.yaml must be a list of categories."))
        return
    lines = [i + 1 for i, line in enumerate(text.split("\n")) if line.startswith("- ")]
    seen: set[str] = set()
    for index, item in enumerate(data):
        line = lines[index] if index < len(lines) else None
        if not isinstance(item, dict) or not isinstance(item.get("slug"), str) or not SLUG.fullmatch(item["slug"]):
            plan.problem(CATEGORIES, line, N_("Each category needs a slug of lower-case letters, digits and "
                                              "dashes."))
            continue
        names, descriptions = item.get("names"), item.get("descriptions") or {}
        if not isinstance(names, dict) or not isinstance(descriptions, dict) or \
                not all(isinstance(v, str) for v in [*names.values(), *descriptions.values()]):
            plan.problem(CATEGORIES, line, N_("Category '%(slug)s': names and descriptions map a language to a "
                                              "text."), slug=item["slug"])
            continue
        unknown = [str(code) for code in [*names, *descriptions] if code not in brand.locales]
        if unknown:
            plan.problem(CATEGORIES, line, N_("Category '%(slug)s': the brand does not use the language(s) "
                                              "%(codes)s."), slug=item["slug"], codes=", ".join(unknown))
        elif brand.default_locale not in names:
            plan.problem(CATEGORIES, line, N_("Category '%(slug)s' needs a name in the brand's default language "
                                              "(%(locale)s)."), slug=item["slug"], locale=brand.default_locale)
        elif item["slug"] in seen:
            plan.problem(CATEGORIES, line, N_("Category '%(slug)s' is listed twice."), slug=item["slug"])
        else:
            position = item.get("position", index)
            seen.add(item["slug"])
            plan.categories.append({"slug": item["slug"], "names": names, "descriptions": descriptions,
                                    "position": position if isinstance(position, int) and position >= 0 else index})


def _read_contacts(plan: _Plan, text: str) -> None:
    data = _yaml(plan, CONTACTS, text, 1) or {}
    lines = text.split("\n")
    if not isinstance(data, dict):
        plan.problem(CONTACTS, 1, N_("helpcentre.yaml holds 'email' and 'messengers'."))
        return
    for key in sorted(set(map(str, data)) - {"email", "messengers"}):
        plan.problem(CONTACTS, _key_line(lines, key) - 1, N_("Unknown field '%(key)s'. Fields: %(known)s."),
                     key=key, known="email, messengers")
    email, messengers = data.get("email"), data.get("messengers") or []
    if email is not None and (not isinstance(email, str) or not EMAIL.fullmatch(email) or len(email) > 320):
        plan.problem(CONTACTS, _key_line(lines, "email") - 1, N_("This is not an e-mail address."))
    if not isinstance(messengers, list) or not all(
            isinstance(m, dict) and set(m) == {"name", "url"} and isinstance(m["name"], str)
            and 0 < len(m["name"]) <= 60 and isinstance(m["url"], str) and m["url"].startswith("https://")
            and len(m["url"]) <= 500 for m in messengers):
        plan.problem(CONTACTS, _key_line(lines, "messengers") - 1,
                     N_("Each messenger has a name and an https:// address (url)."))
    elif len(plan.problems) == 0 or plan.problems[-1].file != CONTACTS:
        plan.contacts = {"email": email, "messengers": [{"name": m["name"], "url": m["url"]} for m in messengers]}


def _read_article(plan: _Plan, brand: Brand, name: str, slug: str, locale: str, text: str) -> None:
    if not SLUG.fullmatch(slug) or len(slug) > 120:
        plan.problem(name, None, N_("'%(slug)s' cannot be an address name: use lower-case letters, digits and "
                                    "single dashes."), slug=slug[:40])
        return
    if locale not in brand.locales:
        plan.problem(name, None, N_("The brand does not use the language '%(locale)s'. Its languages: "
                                    "%(locales)s."), locale=locale[:16], locales=", ".join(brand.locales))
        return
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---" or "---" not in [line.strip() for line in lines[1:]]:
        plan.problem(name, 1, N_("The file must start with front matter between two '---' lines."))
        return
    end = 1 + [line.strip() for line in lines[1:]].index("---")
    front_lines, body = lines[1:end], "\n".join(lines[end + 1:])
    meta = _yaml(plan, name, "\n".join(front_lines), 2)
    if meta is None:
        if not plan.problems or plan.problems[-1].file != name:
            plan.problem(name, 2, N_("The front matter is empty: it needs at least a title."))
        return
    if not isinstance(meta, dict):
        plan.problem(name, 2, N_("The front matter must be a set of 'key: value' lines."))
        return
    problems = len(plan.problems)
    for key in sorted(set(map(str, meta)) - FRONT_MATTER_KEYS):
        plan.problem(name, _key_line(front_lines, key), N_("Unknown field '%(key)s'. Fields: %(known)s."),
                     key=key, known=", ".join(sorted(FRONT_MATTER_KEYS)))
    title = meta.get("title")
    try:
        title = check_title(title) if isinstance(title, str) else None
    except CroupierError as e:
        plan.problem(name, _key_line(front_lines, "title"), e.message, **e.details)
        title = ""
    if title is None:
        plan.problem(name, _key_line(front_lines, "title"), N_("The article needs a title."))
    status = meta.get("status", "draft")
    if status not in ("draft", "published"):
        plan.problem(name, _key_line(front_lines, "status"), N_("The status is 'draft' or 'published'."))
    intents = meta.get("intents")
    if intents is not None and (not isinstance(intents, list) or any(i not in INTENTS for i in intents)):
        plan.problem(name, _key_line(front_lines, "intents"), N_("Unknown intent: %(intents)s. Known intents: "
                                                                 "%(known)s."),
                     intents=", ".join(str(i) for i in (intents if isinstance(intents, list) else [intents])
                                       if i not in INTENTS), known=", ".join(INTENTS))
    category, position = meta.get("category"), meta.get("position")
    if category is not None and not isinstance(category, str):
        plan.problem(name, _key_line(front_lines, "category"), N_("The category is a category's slug."))
    if position is not None and (not isinstance(position, int) or position < 0):
        plan.problem(name, _key_line(front_lines, "position"), N_("The position is a whole number, 0 or more."))
    try:
        body = check_body(body)
    except CroupierError as e:
        plan.problem(name, end + 2, e.message, **e.details)
    if len(plan.problems) > problems:
        return
    article = plan.articles.setdefault(slug, _Article(slug))
    for attribute, value in (("category", category), ("intents", intents), ("position", position)):
        if value is None:
            continue
        if getattr(article, attribute) not in (None, value):
            plan.problem(name, _key_line(front_lines, attribute),
                         N_("'%(key)s' differs from another translation of the same article."), key=attribute)
        setattr(article, attribute, value)
    article.translations.append(_Translation(name, locale, title, body, ArticleStatus(status)))


# -- writing ------------------------------------------------------------------------
async def import_files(session: AsyncSession, principal: Principal | None, brand_id: int,
                       files: dict[str, bytes], *, ip: str | None = None, actor: str = "import") -> ImportReport:
    """Create or update a brand's categories and articles from files; all or nothing."""
    brand = await kb_service._writable_brand(session, principal, brand_id)
    plan = _plan(brand, files)
    if plan.problems:
        raise ImportRefused(plan.problems)
    report = ImportReport(categories=0, versions=0, published=0, unchanged=0)
    categories: dict[str, int] = {}
    for item in plan.categories:
        existing = await repository.category_by_slug(session, brand.id, item["slug"])
        if existing is None:
            existing = await kb_service.create_category(session, principal, CategoryIn(brand_id=brand.id, **item),
                                                        ip=ip, actor=actor)
            report.categories += 1
        elif (existing.names, existing.descriptions, existing.position) != \
                (item["names"], item["descriptions"], item["position"]):
            await kb_service.update_category(session, principal, existing.id, CategoryUpdate(
                names=item["names"], descriptions=item["descriptions"], position=item["position"]), ip=ip, actor=actor)
            report.categories += 1
        categories[item["slug"]] = existing.id
    for slug, planned in plan.articles.items():
        if planned.category and planned.category not in categories:
            found = await repository.category_by_slug(session, brand.id, planned.category)
            categories[planned.category] = found.id if found else 0
        article = await repository.article_by_slug(session, brand.id, slug)
        first, created = planned.translations[0], article is None
        if article is None:
            article = await kb_service.create_article(session, principal, ArticleIn(
                brand_id=brand.id, slug=slug, locale=first.locale, title=first.title, body=first.body,
                note="import", category_id=categories.get(planned.category or ""), intents=planned.intents or [],
                position=planned.position or 0), ip=ip, actor=actor)
        await kb_service.update_article(session, principal, article.id, ArticleUpdate(
            category_id=categories.get(planned.category or "", 0), intents=planned.intents,
            position=planned.position), ip=ip, actor=actor)
        for t in planned.translations:
            translation, saved = await kb_service.save_translation(session, principal, article.id, t.locale,
                                                                   t.title, t.body, note="import", ip=ip,
                                                                   actor=actor)
            saved = saved or (created and t is first)  # create_article saved the first translation
            report.versions += saved
            publish = t.status == ArticleStatus.published and \
                translation.published_version != translation.latest_version
            if publish:
                await kb_service.publish(session, principal, article.id, t.locale, ip=ip, actor=actor)
                report.published += 1
            report.unchanged += not saved and not publish
    if plan.contacts is not None:
        await kb_service.set_contacts(session, principal, brand.id, plan.contacts["email"],
                                      plan.contacts["messengers"], ip=ip, actor=actor)
    await audit_service.record(session, "kb.imported", principal=principal, actor=actor, target_type="brand",
                               target_id=brand.id, brand_id=brand.id, ip=ip, **report.model_dump())
    return report


async def export_files(session: AsyncSession, principal: Principal, brand_id: int) -> dict[str, bytes]:
    """Every category and the latest version of every translation, in the import format."""
    brand = await kb_service.brand(session, principal, brand_id)
    categories = await repository.categories_of(session, brand.id)
    slugs = {c.id: c.slug for c in categories}
    out = {CATEGORIES: _dump([{"slug": c.slug, "position": c.position, "names": c.names,
                               **({"descriptions": c.descriptions} if c.descriptions else {})}
                              for c in categories]).encode()}
    contacts = await public_kb.contacts(session, brand)
    if contacts is not None:
        out[CONTACTS] = _dump({"email": contacts.email, "messengers": contacts.messengers}).encode()
    articles = await repository.articles_of(session, brand.id)
    translations = await repository.translations_of(session, [a.id for a in articles])
    for article in articles:
        for t in translations.get(article.id, []):
            version = await repository.version(session, t.id, t.latest_version)
            meta: dict[str, Any] = {"title": version.title}
            if article.category_id in slugs:
                meta["category"] = slugs[article.category_id]
            meta.update(intents=article.intents, position=article.position,
                        status="published" if t.published_version == t.latest_version else "draft")
            out[f"articles/{article.slug}/{t.locale}.md"] = f"---\n{_dump(meta)}---\n\n{version.body}".encode()
    return out


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000)
