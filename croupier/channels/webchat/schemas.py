"""The widget's API payloads."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

CLIENT_ID = r"^[A-Za-z0-9_-]+$"


class PlayerClaim(BaseModel):
    id: str = Field(min_length=1, max_length=128)
    signature: str = Field(min_length=1, max_length=128)
    name: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=254)


class SessionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(min_length=1, max_length=64)
    token: str | None = Field(None, max_length=200)
    locale: str | None = Field(None, max_length=35, description="An explicit choice (data-locale or the switch)")
    languages: list[str] = Field([], max_length=20, description="The browser's navigator.languages")
    player: PlayerClaim | None = None


class WidgetConfig(BaseModel):
    """What the widget needs to draw itself in the visitor's language."""

    brand: str
    locale: str
    locales: list[str]
    locale_names: dict[str, str]
    strings: dict[str, str]
    max_message_chars: int
    attachment_max_bytes: int
    attachment_types: list[str]


class SessionOut(WidgetConfig):
    token: str
    player_name: str | None


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(min_length=1, max_length=10_000)
    client_id: str | None = Field(None, max_length=64, pattern=CLIENT_ID)
    locale: str | None = Field(None, max_length=35)


class TypingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    typing: bool
