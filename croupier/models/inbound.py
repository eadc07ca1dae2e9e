"""Raw inbound webhook events, stored before they are acknowledged."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from croupier.kit.clock import utcnow
from croupier.models.base import Base, BigId, IdMixin


class InboundState(enum.StrEnum):
    pending = "pending"
    handled = "handled"
    failed = "failed"


class InboundEvent(IdMixin, Base):
    __tablename__ = "inbound_events"
    __table_args__ = (UniqueConstraint("channel_id", "external_id"),
                      Index("ix_inbound_events_state", "state", "received_at"))

    channel_id: Mapped[int] = mapped_column(BigId, ForeignKey("channels.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(256))  # the provider's id: replays are no-ops
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    state: Mapped[InboundState] = mapped_column(Enum(InboundState, native_enum=False, length=20),
                                                default=InboundState.pending)
    handled_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)
