"""SOP playbooks: a checklist per brand and intent, its immutable versions, and each conversation's run
through one (which steps were ticked, by whom and when, and how it stood when the conversation ended)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from croupier.kit.clock import utcnow
from croupier.models.base import Base, BigId, CreatedMixin, IdMixin


class Playbook(IdMixin, CreatedMixin, Base):
    __tablename__ = "playbooks"
    __table_args__ = (UniqueConstraint("brand_id", "intent"),)

    brand_id: Mapped[int] = mapped_column(BigId, ForeignKey("brands.id", ondelete="CASCADE"))
    intent: Mapped[str] = mapped_column(String(40))  # an id of the SPEC's taxonomy (croupier/intents.py)
    version: Mapped[int] = mapped_column(Integer, default=1)  # the current PlaybookVersion.number
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PlaybookVersion(IdMixin, CreatedMixin, Base):
    """Every saved state of a playbook, never changed afterwards; runs keep the version they started on."""

    __tablename__ = "playbook_versions"
    __table_args__ = (UniqueConstraint("playbook_id", "number"),)

    playbook_id: Mapped[int] = mapped_column(BigId, ForeignKey("playbooks.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    titles: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {locale: title}
    # [{"titles": {locale: text}, "help": {locale: text}, "mandatory": bool}, ...] in order; step n is [n-1].
    steps: Mapped[list[Any]] = mapped_column(JSON, default=list)
    author_user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))


class PlaybookRun(IdMixin, CreatedMixin, Base):
    """One conversation going through one playbook's version."""

    __tablename__ = "playbook_runs"
    __table_args__ = (UniqueConstraint("conversation_id", "playbook_id"),
                      Index("ix_playbook_runs_report", "playbook_id", "ended_at"))

    conversation_id: Mapped[int] = mapped_column(BigId, ForeignKey("conversations.id", ondelete="CASCADE"))
    playbook_id: Mapped[int] = mapped_column(BigId, ForeignKey("playbooks.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    picked: Mapped[bool] = mapped_column(Boolean, default=False)  # chosen by an agent, whatever the intent
    chosen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # How the run stood when the conversation was last resolved or closed (None while it is not).
    ended_at: Mapped[datetime | None]
    ended_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"), index=True)
    steps_done: Mapped[int] = mapped_column(Integer, default=0)
    steps_total: Mapped[int] = mapped_column(Integer, default=0)
    mandatory_done: Mapped[bool] = mapped_column(Boolean, default=False)
    overridden: Mapped[bool] = mapped_column(Boolean, default=False)  # a supervisor resolved it anyway


class PlaybookTick(IdMixin, Base):
    __tablename__ = "playbook_ticks"
    __table_args__ = (UniqueConstraint("run_id", "step"),)

    run_id: Mapped[int] = mapped_column(BigId, ForeignKey("playbook_runs.id", ondelete="CASCADE"))
    step: Mapped[int] = mapped_column(Integer)  # 1-based position in the run's version
    user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    ticked_at: Mapped[datetime] = mapped_column(default=utcnow)
