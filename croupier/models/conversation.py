"""Conversations, their messages, attachments and tags."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    Column,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from croupier.kit.clock import utcnow
from croupier.models.base import Base, BigId, CreatedMixin, IdMixin


class Status(enum.StrEnum):
    open = "open"
    pending = "pending"
    snoozed = "snoozed"
    resolved = "resolved"
    closed = "closed"


class Priority(enum.StrEnum):
    low = "low"
    normal = "normal"
    high = "high"
    urgent = "urgent"


class AuthorType(enum.StrEnum):
    player = "player"
    agent = "agent"
    assistant = "assistant"
    system = "system"


class DeliveryState(enum.StrEnum):
    received = "received"  # inbound, stored
    pending = "pending"  # outbound, stored, not yet handed to the channel
    sent = "sent"
    delivered = "delivered"
    read = "read"
    failed = "failed"


conversation_tags = Table(
    "conversation_tags",
    Base.metadata,
    Column("conversation_id", BigId, ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", BigId, ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Tag(IdMixin, CreatedMixin, Base):
    __tablename__ = "tags"

    name: Mapped[str] = mapped_column(String(64), unique=True)


class Conversation(IdMixin, CreatedMixin, Base):
    __tablename__ = "conversations"
    __table_args__ = (
        Index("ix_conversations_inbox", "status", "last_message_at", "id"),
        Index("ix_conversations_brand_inbox", "brand_id", "status", "last_message_at", "id"),
        Index("ix_conversations_assignee", "assignee_id", "status", "last_message_at"),
        Index("ix_conversations_last", "last_message_at", "id"),
    )

    brand_id: Mapped[int] = mapped_column(BigId, ForeignKey("brands.id", ondelete="CASCADE"))
    channel_id: Mapped[int] = mapped_column(BigId, ForeignKey("channels.id", ondelete="CASCADE"), index=True)
    player_id: Mapped[int] = mapped_column(BigId, ForeignKey("players.id", ondelete="CASCADE"), index=True)
    identity_id: Mapped[int] = mapped_column(BigId, ForeignKey("player_identities.id", ondelete="CASCADE"),
                                             index=True)
    status: Mapped[Status] = mapped_column(Enum(Status, native_enum=False, length=20), default=Status.open)
    priority: Mapped[Priority] = mapped_column(Enum(Priority, native_enum=False, length=20),
                                               default=Priority.normal)
    assignee_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    team_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    language: Mapped[str | None] = mapped_column(String(16), index=True)
    # An id of the SPEC's intent taxonomy (croupier/intents.py), set by agents or the assistant.
    intent: Mapped[str | None] = mapped_column(String(40), index=True)
    subject: Mapped[str | None] = mapped_column(String(300))
    preview: Mapped[str] = mapped_column(String(200), default="")
    snoozed_until: Mapped[datetime | None]
    last_message_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_player_message_at: Mapped[datetime | None]
    first_response_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    reopened_count: Mapped[int] = mapped_column(Integer, default=0)
    message_count: Mapped[int] = mapped_column(Integer, default=0)


class Message(IdMixin, CreatedMixin, Base):
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("conversation_id", "client_id"),
        Index("ix_messages_conversation", "conversation_id", "id"),
        Index("ix_messages_external_id", "external_id"),  # threading (email) and providers' status callbacks
    )

    conversation_id: Mapped[int] = mapped_column(BigId, ForeignKey("conversations.id", ondelete="CASCADE"))
    author_type: Mapped[AuthorType] = mapped_column(Enum(AuthorType, native_enum=False, length=20))
    author_user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text, default="")
    is_private: Mapped[bool] = mapped_column(Boolean, default=False)
    # None for private notes and system messages, which are never delivered anywhere.
    delivery_state: Mapped[DeliveryState | None] = mapped_column(Enum(DeliveryState, native_enum=False, length=20))
    failure_reason: Mapped[str | None] = mapped_column(String(500))
    external_id: Mapped[str | None] = mapped_column(String(256))
    # Idempotency key chosen by the sender (the widget); a retried send is not stored twice.
    client_id: Mapped[str | None] = mapped_column(String(64))


class Attachment(IdMixin, CreatedMixin, Base):
    __tablename__ = "attachments"

    message_id: Mapped[int] = mapped_column(BigId, ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(300), unique=True)
