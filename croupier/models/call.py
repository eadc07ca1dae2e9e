"""Phone calls logged on a conversation: by the voice provider's webhook, by agents, or through the API."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from croupier.models.base import Base, BigId, CreatedMixin, IdMixin


class CallDirection(enum.StrEnum):
    inbound = "inbound"  # the player called
    outbound = "outbound"  # we called the player (a callback)


class CallOutcome(enum.StrEnum):
    answered = "answered"
    missed = "missed"
    voicemail = "voicemail"
    no_answer = "no_answer"
    busy = "busy"
    failed = "failed"


class CallLog(IdMixin, CreatedMixin, Base):
    __tablename__ = "call_logs"
    __table_args__ = (Index("ix_call_logs_conversation", "conversation_id", "started_at"),)

    conversation_id: Mapped[int] = mapped_column(BigId, ForeignKey("conversations.id", ondelete="CASCADE"))
    direction: Mapped[CallDirection] = mapped_column(Enum(CallDirection, native_enum=False, length=20))
    outcome: Mapped[CallOutcome] = mapped_column(Enum(CallOutcome, native_enum=False, length=20))
    started_at: Mapped[datetime]
    duration_s: Mapped[int] = mapped_column(Integer, default=0)
    phone_number: Mapped[str | None] = mapped_column(String(20))  # E.164
    agent_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    notes: Mapped[str | None] = mapped_column(Text)
    recording_url: Mapped[str | None] = mapped_column(String(1000))
    transcript: Mapped[str | None] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(String(256))  # the voice provider's event id
