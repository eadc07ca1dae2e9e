"""The knowledge base: categories, articles, their translations per locale with version history, the search
index of published passages, and the players' "was this helpful?" votes."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from croupier.kit.clock import utcnow
from croupier.models.base import Base, BigId, CreatedMixin, IdMixin


class ArticleStatus(enum.StrEnum):
    draft = "draft"  # never published, or taken down: not on the help centre
    published = "published"  # its published version is on the help centre (a newer draft may exist)


class KbCategory(IdMixin, CreatedMixin, Base):
    __tablename__ = "kb_categories"
    __table_args__ = (UniqueConstraint("brand_id", "slug"),)

    brand_id: Mapped[int] = mapped_column(BigId, ForeignKey("brands.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # {locale: name}; a locale without a name shows the brand's default locale's.
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    descriptions: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)


class Article(IdMixin, CreatedMixin, Base):
    """One answer, the same in every language: its translations are linked through it."""

    __tablename__ = "kb_articles"
    __table_args__ = (UniqueConstraint("brand_id", "slug"),)

    brand_id: Mapped[int] = mapped_column(BigId, ForeignKey("brands.id", ondelete="CASCADE"))
    category_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("kb_categories.id", ondelete="SET NULL"),
                                                    index=True)
    slug: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Intent ids of the taxonomy (SPEC) this article answers, for the assistant.
    intents: Mapped[list[str]] = mapped_column(default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ArticleTranslation(IdMixin, CreatedMixin, Base):
    """An article in one locale: the latest draft's title, and which version (if any) is published."""

    __tablename__ = "kb_translations"
    __table_args__ = (UniqueConstraint("article_id", "locale"),
                      Index("ix_kb_translations_brand_locale", "brand_id", "locale", "status"))

    article_id: Mapped[int] = mapped_column(BigId, ForeignKey("kb_articles.id", ondelete="CASCADE"))
    brand_id: Mapped[int] = mapped_column(BigId, ForeignKey("brands.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))  # of the latest version
    status: Mapped[ArticleStatus] = mapped_column(Enum(ArticleStatus, native_enum=False, length=20),
                                                  default=ArticleStatus.draft)
    latest_version: Mapped[int] = mapped_column(Integer, default=0)
    published_version: Mapped[int | None] = mapped_column(Integer)
    published_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    helpful_yes: Mapped[int] = mapped_column(Integer, default=0)
    helpful_no: Mapped[int] = mapped_column(Integer, default=0)


class ArticleVersion(IdMixin, CreatedMixin, Base):
    """Every saved state of a translation, never changed afterwards: who wrote it, when, and what."""

    __tablename__ = "kb_versions"
    __table_args__ = (UniqueConstraint("translation_id", "number"),)

    translation_id: Mapped[int] = mapped_column(BigId, ForeignKey("kb_translations.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    author_user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    author: Mapped[str] = mapped_column(String(320))  # the author's label, kept if the user is deleted
    note: Mapped[str] = mapped_column(String(300), default="")
    published_at: Mapped[datetime | None]  # when this version went live (None: never)
    # The body as sanitised HTML, rendered when the version is first published (None: never published), so
    # the help centre does not render Markdown on each view.
    html: Mapped[str | None] = mapped_column(Text)


class KbPassage(IdMixin, Base):
    """A searchable piece of a published translation: its title, or one section under a heading, with its stemmed
    terms. Search reads them into memory (croupier/kb/index.py); nothing queries terms in SQL."""

    __tablename__ = "kb_passages"
    __table_args__ = (Index("ix_kb_passages_scope", "brand_id", "locale"),)

    translation_id: Mapped[int] = mapped_column(BigId, ForeignKey("kb_translations.id", ondelete="CASCADE"),
                                                index=True)
    brand_id: Mapped[int] = mapped_column(BigId, ForeignKey("brands.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str] = mapped_column(String(300), default="")
    text: Mapped[str] = mapped_column(Text)
    length: Mapped[int] = mapped_column(Integer)  # in index terms
    # Its distinct terms with their counts: "term count term count ..." (terms are words: no spaces).
    terms: Mapped[str] = mapped_column(Text, default="")


class ArticleVote(IdMixin, CreatedMixin, Base):
    """A reader's "was this helpful?" answer; one per reader and translation (a second one replaces it)."""

    __tablename__ = "kb_votes"
    __table_args__ = (UniqueConstraint("translation_id", "voter"),)

    translation_id: Mapped[int] = mapped_column(BigId, ForeignKey("kb_translations.id", ondelete="CASCADE"))
    voter: Mapped[str] = mapped_column(String(64))  # SHA-256 of the reader's random cookie, never an identity
    helpful: Mapped[bool] = mapped_column(Boolean)


class HelpCentreContacts(Base):
    """How players reach a brand besides the chat and the callback form, as its help centre lists them."""

    __tablename__ = "kb_contacts"

    brand_id: Mapped[int] = mapped_column(BigId, ForeignKey("brands.id", ondelete="CASCADE"), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(320))
    # [{"name": "Telegram", "url": "https://t.me/..."}], in the order shown
    messengers: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
