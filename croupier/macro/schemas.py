"""Macros on the wire."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from croupier.kit.ids import MAX_ID
from croupier.models import Macro


class MacroText(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(max_length=200)
    body: str = Field(max_length=10_000,
                      description="Plain text with {player_name}, {brand}, {agent_name}, {conversation}, "
                                  "{amount:EUR 250}, {date} or {date:+3}; {{ and }} for braces")


class MacroIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    brand_id: int | None = Field(None, ge=1, le=MAX_ID, description="Leave out for a macro of every brand")
    shortcut: str = Field(min_length=1, max_length=33, description="Typed as /shortcut in the reply box")
    texts: dict[str, MacroText] = Field(description="{locale: {title, body}}; the brand's default locale "
                                                    "(English for every brand's macros) is required")


class MacroUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    shortcut: str | None = Field(None, min_length=1, max_length=33)
    texts: dict[str, MacroText] | None = Field(None, description="Replaces every text")


class MacroOut(BaseModel):
    id: int
    brand_id: int | None
    shortcut: str
    texts: dict[str, MacroText]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, macro: Macro) -> MacroOut:
        return cls(id=macro.id, brand_id=macro.brand_id, shortcut=macro.shortcut,
                   texts={k: MacroText(**v) for k, v in macro.texts.items()}, created_at=macro.created_at,
                   updated_at=macro.updated_at)


class RenderedMacro(BaseModel):
    macro_id: int
    shortcut: str
    locale: str = Field(description="The language of the text: the conversation's, else the brand's default")
    fallback: bool = Field(description="True when the macro has no text in the conversation's language")
    title: str
    text: str = Field(description="Plain text with the variables filled in, ready to send")
