"""Call logs on the wire."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from croupier.models import CallDirection, CallLog, CallOutcome


class CallIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    direction: CallDirection = Field(description="inbound: the player called; outbound: we called the player")
    outcome: CallOutcome
    started_at: AwareDatetime | None = Field(None, description="With a time zone; now when left out")
    duration_s: int = Field(0, ge=0, le=86_400, description="Seconds the call lasted (0 if not answered)")
    phone_number: str | None = Field(None, max_length=40,
                                     description="The player's number; stored in E.164 (+48601234567)")
    notes: str | None = Field(None, max_length=5_000)
    recording_url: str | None = Field(None, max_length=1_000, pattern=r"^https?://\S+$")
    transcript: str | None = Field(None, max_length=50_000)


class CallOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    conversation_id: int
    direction: CallDirection
    outcome: CallOutcome
    started_at: datetime
    duration_s: int
    phone_number: str | None
    agent_id: int | None
    agent_name: str | None = None
    notes: str | None
    recording_url: str | None
    transcript: str | None
    created_at: datetime

    @classmethod
    def of(cls, call: CallLog, agent_name: str | None = None) -> CallOut:
        out = cls.model_validate(call)
        out.agent_name = agent_name
        return out
