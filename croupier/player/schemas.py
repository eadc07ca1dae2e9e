"""Players on the wire."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from croupier.conversation.schemas import ConversationOut
from croupier.kit.ids import Id
from croupier.models import ChannelType


class PlayerOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    brand_id: int
    external_id: str | None = Field(description="The operator's own id for the player")
    display_name: str | None
    email: str | None
    locale: str | None
    country: str | None
    created_at: datetime


class IdentityOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    channel_id: int
    channel_type: ChannelType
    external_id: str = Field(description="How the channel knows the player (visitor id, e-mail address, ...)")
    display_name: str | None
    last_seen_at: datetime | None
    created_at: datetime


class PlayerDetail(PlayerOut):
    identities: list[IdentityOut]
    conversations: list[ConversationOut] = Field(description="The player's most recent conversations, newest first")


class LinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    brand_id: Id
    player_external_id: str = Field(min_length=1, max_length=128,
                                    description="Your player id (created in Croupier if it is new)")
    channel_type: ChannelType = Field(description="The channel the identity is on (not webchat: the widget "
                                                  "links signed-in players itself)")
    channel_id: Id | None = Field(None, description="Which of the brand's channels of that type, if it has several")
    external_id: str = Field(min_length=1, max_length=256, description=(
        "How the channel knows the player: Telegram user id, e-mail address, phone or WhatsApp number in "
        "international format, Messenger/Instagram id, API sender id"))
    display_name: str | None = Field(None, max_length=200)


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    into: Id = Field(description="The player that stays; this one's identities and conversations move to it")
