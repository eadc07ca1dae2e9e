"""A casino brand ("skin") and the channels it is reached on."""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import Boolean, Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from croupier.models.base import Base, BigId, CreatedMixin, IdMixin


class Brand(IdMixin, CreatedMixin, Base):
    __tablename__ = "brands"

    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    default_locale: Mapped[str] = mapped_column(String(16), default="en")
    locales: Mapped[list[str]] = mapped_column(default=lambda: ["en"])
    website_url: Mapped[str | None] = mapped_column(String(500))
    require_2fa: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class ChannelType(enum.StrEnum):
    webchat = "webchat"
    email = "email"
    telegram = "telegram"
    whatsapp = "whatsapp"
    messenger = "messenger"
    instagram = "instagram"
    phone = "phone"
    api = "api"


class Channel(IdMixin, CreatedMixin, Base):
    __tablename__ = "channels"
    __table_args__ = (UniqueConstraint("brand_id", "name"),)

    brand_id: Mapped[int] = mapped_column(BigId, ForeignKey("brands.id", ondelete="CASCADE"), index=True)
    type: Mapped[ChannelType] = mapped_column(Enum(ChannelType, native_enum=False, length=20))
    name: Mapped[str] = mapped_column(String(200))
    # Public identifier: the widget's data-key, the webhook path segment.
    key: Mapped[str] = mapped_column(String(64), unique=True)
    # Shared secret: HMAC key for the operator's identity signatures / webhook verification.
    secret: Mapped[str] = mapped_column(String(200))
    config: Mapped[dict[str, Any]] = mapped_column(default=dict)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
