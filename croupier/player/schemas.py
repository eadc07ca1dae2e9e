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


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    into: Id = Field(description="The player that stays; this one's identities and conversations move to it")
