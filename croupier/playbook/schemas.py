"""Playbooks, a conversation's run and the adherence report on the wire."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from croupier.kit.ids import MAX_ID
from croupier.models import Playbook, PlaybookVersion


class StepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    titles: dict[str, str] = Field(description="{locale: what to do}")
    help: dict[str, str] = Field({}, description="{locale: how to do it}")
    mandatory: bool = Field(False, description="Must be ticked before the conversation is resolved")


class PlaybookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    brand_id: int = Field(ge=1, le=MAX_ID)
    intent: str = Field(max_length=40, description="An intent id of the taxonomy: one playbook per brand and intent")
    titles: dict[str, str] = Field(description="{locale: title}; the brand's default locale is required")
    steps: list[StepIn] = Field(max_length=100, description="In order")
    is_active: bool = True


class PlaybookUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    titles: dict[str, str] | None = None
    steps: list[StepIn] | None = Field(None, max_length=100, description="Replaces every step: a new version")
    is_active: bool | None = None


class PlaybookOut(BaseModel):
    id: int
    brand_id: int
    intent: str
    version: int
    is_active: bool
    titles: dict[str, str]
    steps: list[StepIn]
    updated_at: datetime

    @classmethod
    def of(cls, playbook: Playbook, version: PlaybookVersion) -> PlaybookOut:
        return cls(id=playbook.id, brand_id=playbook.brand_id, intent=playbook.intent, version=playbook.version,
                   is_active=playbook.is_active, titles=version.titles,
                   steps=[StepIn(**s) for s in version.steps], updated_at=playbook.updated_at)


class VersionOut(BaseModel):
    number: int
    titles: dict[str, str]
    steps: list[StepIn]
    author_user_id: int | None
    created_at: datetime


class StepOut(BaseModel):
    step: int
    title: str
    help: str
    mandatory: bool
    ticked_by: int | None = None
    ticked_at: datetime | None = None


class RunOut(BaseModel):
    """The playbook a conversation follows (in the caller's language), with its ticks."""

    conversation_id: int
    playbook_id: int | None = Field(description="None when no playbook matches the conversation")
    intent: str | None = None
    version: int | None = None
    picked: bool = Field(False, description="Chosen by an agent rather than matched by the intent")
    title: str | None = None
    steps: list[StepOut] = []


class PickIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    playbook_id: int | None = Field(None, ge=1, le=MAX_ID, description="None: follow the intent's playbook again")


class TickIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    done: bool = True


class AdherenceOut(BaseModel):
    playbook_id: int
    intent: str
    title: str
    agent_id: int | None
    agent_name: str | None
    conversations: int = Field(description="Conversations resolved or closed in the period")
    all_mandatory_done: float = Field(description="Share of them with every mandatory step ticked (0..1)")
    overridden: int = Field(description="Resolved by a supervisor's override")
    average_steps_done: float
    average_steps_total: float
