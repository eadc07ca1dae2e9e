"""Players and their identities on each channel."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from croupier.models.base import Base, BigId, CreatedMixin, IdMixin


class Player(IdMixin, CreatedMixin, Base):
    __tablename__ = "players"
    __table_args__ = (UniqueConstraint("brand_id", "external_id"),)

    brand_id: Mapped[int] = mapped_column(BigId, ForeignKey("brands.id", ondelete="CASCADE"), index=True)
    external_id: Mapped[str | None] = mapped_column(String(128))  # the operator's player id
    display_name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    locale: Mapped[str | None] = mapped_column(String(16))
    country: Mapped[str | None] = mapped_column(String(2))
    merged_into_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("players.id"), index=True)


class PlayerIdentity(IdMixin, CreatedMixin, Base):
    """How one player is known on one channel; links to exactly one player."""

    __tablename__ = "player_identities"
    __table_args__ = (UniqueConstraint("channel_id", "external_id"),)

    player_id: Mapped[int] = mapped_column(BigId, ForeignKey("players.id", ondelete="CASCADE"), index=True)
    channel_id: Mapped[int] = mapped_column(BigId, ForeignKey("channels.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(256))
    display_name: Mapped[str | None] = mapped_column(String(200))
    last_seen_at: Mapped[datetime | None]
