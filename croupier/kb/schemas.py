"""Knowledge-base categories, articles, translations and versions on the wire."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from croupier.kit.ids import MAX_ID, Id
from croupier.models import ArticleStatus


class CategoryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    brand_id: Id
    slug: str = Field(max_length=80, description="lower-case letters, digits and dashes; the help centre's address")
    names: dict[str, str] = Field(description="{locale: name}; the brand's default locale is required")
    descriptions: dict[str, str] = {}
    position: int = Field(0, ge=0, le=100_000)


class CategoryUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: str | None = Field(None, max_length=80)
    names: dict[str, str] | None = None
    descriptions: dict[str, str] | None = None
    position: int | None = Field(None, ge=0, le=100_000)


class CategoryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    brand_id: int
    slug: str
    names: dict[str, str]
    descriptions: dict[str, str]
    position: int


class TranslationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(max_length=300)
    body: str = Field(description="Markdown; raw HTML is shown as text, never run")
    note: str = Field("", max_length=300, description="What changed, for the history")


class ArticleIn(TranslationIn):
    brand_id: Id
    slug: str = Field(max_length=120, description="lower-case letters, digits and dashes; the same in every locale")
    locale: str = Field(max_length=16, description="The first translation's locale")
    category_id: int | None = Field(None, ge=1, le=MAX_ID)
    intents: list[str] = Field([], description="Intent ids (SPEC taxonomy) this article answers")
    position: int = Field(0, ge=0, le=100_000)


class ArticleUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: str | None = Field(None, max_length=120)
    category_id: int | None = Field(None, ge=0, le=MAX_ID, description="0 to take it out of its category")
    intents: list[str] | None = None
    position: int | None = Field(None, ge=0, le=100_000)


class TranslationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    locale: str
    title: str = Field(description="The latest version's title")
    status: ArticleStatus
    latest_version: int
    published_version: int | None
    published_at: datetime | None
    updated_at: datetime
    helpful_yes: int
    helpful_no: int


class ArticleOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    brand_id: int
    category_id: int | None
    slug: str
    intents: list[str]
    position: int
    created_at: datetime
    updated_at: datetime
    translations: list[TranslationOut] = []


class VersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: int
    title: str
    body: str
    author: str
    author_user_id: int | None
    note: str
    created_at: datetime
    published_at: datetime | None


class PublishIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int | None = Field(None, ge=1, le=1_000_000, description="Default: the latest; an older one rolls back")


class HitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    article_id: int
    slug: str
    locale: str
    title: str
    heading: str
    text: str
    score: float
    fallback: bool


class ImportProblem(BaseModel):
    file: str
    line: int | None
    problem: str


class ImportReport(BaseModel):
    categories: int = Field(description="Categories created or changed")
    versions: int = Field(description="New versions saved")
    published: int = Field(description="Translations published")
    unchanged: int = Field(description="Files whose content was already current")
