"""Shapes of conversations and messages on the wire (API, widget, live events)."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from croupier.kit.ids import MAX_ID
from croupier.models import Attachment, AuthorType, Conversation, DeliveryState, Message, Priority, Status


class AttachmentOut(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int


class MessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    conversation_id: int
    author_type: AuthorType
    author_name: str | None = None
    body: str
    is_private: bool
    delivery_state: DeliveryState | None
    failure_reason: str | None = None
    client_id: str | None = None
    created_at: datetime
    attachments: list[AttachmentOut] = []

    @classmethod
    def of(cls, message: Message, attachments: list[Attachment] | None = None,
           author_name: str | None = None) -> MessageOut:
        out = cls.model_validate(message)
        out.author_name = author_name
        out.attachments = [AttachmentOut(id=a.id, filename=a.filename, content_type=a.content_type, size=a.size)
                           for a in attachments or []]
        return out


class ConversationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    brand_id: int
    channel_id: int
    player_id: int
    status: Status
    priority: Priority
    assignee_id: int | None
    team_id: int | None
    language: str | None
    intent: str | None
    subject: str | None
    preview: str
    tags: list[str] = []
    snoozed_until: datetime | None
    message_count: int
    created_at: datetime
    last_message_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None

    @classmethod
    def of(cls, conversation: Conversation, tags: list[str] | None = None) -> ConversationOut:
        out = cls.model_validate(conversation)
        out.tags = tags or []
        return out


class ConversationUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Status | None = None
    snoozed_until: AwareDatetime | None = Field(None, description="With a time zone, e.g. 2026-01-31T09:00:00Z")
    priority: Priority | None = None
    assignee_id: int | None = Field(None, ge=0, le=MAX_ID, description="0 to unassign")
    team_id: int | None = Field(None, ge=0, le=MAX_ID, description="0 to clear the team")
    add_tags: list[str] = []
    remove_tags: list[str] = []
    intent: str | None = Field(None, max_length=40, description="An intent id of the taxonomy; \"\" to clear")
    playbook_override: bool = Field(False, description="Supervisors: resolve or close even though the "
                                                       "playbook's mandatory steps are not all ticked")


class ReplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(min_length=1, max_length=10_000)
    private: bool = False
