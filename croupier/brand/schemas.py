"""Brands on the wire."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from croupier.models import ChannelType


class BrandIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$", description="lower-case letters, digits and dashes")
    name: str = Field(min_length=1, max_length=200)
    default_locale: str = "en"
    locales: list[str] = ["en"]
    website_url: str | None = Field(None, max_length=500)
    require_2fa: bool = False


class BrandUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=200)
    default_locale: str | None = None
    locales: list[str] | None = None
    website_url: str | None = Field(None, max_length=500)
    require_2fa: bool | None = None
    is_active: bool | None = None

    @field_validator("name", "default_locale", "locales", "require_2fa", "is_active")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("may be left out, but not null")
        return value


class ChannelOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    type: ChannelType
    name: str
    key: str
    is_active: bool


class BrandOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    slug: str
    name: str
    default_locale: str
    locales: list[str]
    website_url: str | None
    require_2fa: bool
    is_active: bool
    created_at: datetime
    channels: list[ChannelOut] = []
