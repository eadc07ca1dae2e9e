"""The widget's API payloads."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from croupier.conversation.schemas import MessageOut

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


class RejectionOut(BaseModel):
    counted: bool = Field(description="An answer of the assistant's, rejected for the first time")
    handed_off: bool = Field(description="This was the second rejected answer: a person takes over")


class CallbackWindow(StrEnum):
    asap = "asap"
    morning = "morning"
    afternoon = "afternoon"
    evening = "evening"


class CallbackIn(BaseModel):
    """A player's request to be called back (JSON from the widget, or a plain HTML form)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    phone: str = Field("", max_length=40, description="As the player typed it; read in `country` when national")
    country: str | None = Field(None, max_length=2, description="ISO 3166 country to read a national number in")
    preferred_time: CallbackWindow | None = None
    timezone: str | None = Field(None, max_length=64, description="The player's IANA time zone, e.g. Europe/Warsaw")
    note: str | None = Field(None, max_length=500)
    locale: str | None = Field(None, max_length=35)
    client_id: str | None = Field(None, max_length=64, pattern=CLIENT_ID)


class CallbackForm(CallbackIn):
    """The same request from a page without JavaScript: the brand's key (or a widget session token) comes
    in the form, and the answer is a page with a link back to `return_to`."""

    key: str | None = Field(None, max_length=64)
    token: str | None = Field(None, max_length=200)
    return_to: str | None = Field(None, max_length=500, description="A path on this server, e.g. /help/lucky/en")


class CallbackOut(BaseModel):
    conversation_id: int
    phone: str = Field(description="E.164")
    message: MessageOut = Field(description="The system message the request added to the conversation")
