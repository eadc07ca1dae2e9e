"""Macros: canned replies with variables, per brand or for every brand, with a text per locale."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from croupier.kit.clock import utcnow
from croupier.models.base import Base, BigId, CreatedMixin, IdMixin


class Macro(IdMixin, CreatedMixin, Base):
    __tablename__ = "macros"
    __table_args__ = (Index("ix_macros_brand_shortcut", "brand_id", "shortcut"),)

    # None: a macro for every brand; a brand's own macro with the same shortcut takes its place there.
    brand_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("brands.id", ondelete="CASCADE"))
    shortcut: Mapped[str] = mapped_column(String(32))  # typed as /shortcut in the reply box
    # {locale: {"title": ..., "body": ...}}; the body uses the syntax of croupier/macro/template.py.
    texts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
