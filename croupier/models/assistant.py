"""The assistant: its settings per brand, its state in each conversation, every reply it made (a turn) and
the agents' reviews of the intents it predicted (the training data of the next model)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Enum, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from croupier.kit.clock import utcnow
from croupier.models.base import Base, BigId, CreatedMixin, IdMixin


class HandoffReason(enum.StrEnum):
    low_confidence = "low_confidence"  # the intent model is unsure
    asked_for_human = "asked_for_human"
    rejected_answers = "rejected_answers"  # the player rejected two answers
    no_answer = "no_answer"  # the knowledge base has nothing for the question
    unsafe_reply = "unsafe_reply"  # the only reply it could give failed the safety check
    responsible_gambling = "responsible_gambling"
    account_security = "account_security"
    complaint = "complaint"


class TurnAction(enum.StrEnum):
    answer = "answer"  # knowledge-base passages (and facts about the player)
    greeting = "greeting"
    clarify = "clarify"  # asked which of two intents the player meant
    apology = "apology"  # the player said the answer did not help: asked to put it another way
    handoff = "handoff"


class AssistantSettings(Base):
    """A brand's assistant: on or off, which facts provider personalises answers, teams for hand-offs."""

    __tablename__ = "assistant_settings"

    brand_id: Mapped[int] = mapped_column(BigId, ForeignKey("brands.id", ondelete="CASCADE"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # A name in croupier/assistant/facts.py PROVIDERS, or None: answers carry no facts about the player.
    facts_provider: Mapped[str | None] = mapped_column(String(40))
    # {hand-off reason: team name}; a reason without one (or a team that does not exist) routes to no team.
    teams: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class AssistantState(Base):
    """Where the assistant stands in one conversation; handed_off ends its part for good."""

    __tablename__ = "assistant_states"
    __table_args__ = (Index("ix_assistant_states_brand", "brand_id", "created_at"),)

    conversation_id: Mapped[int] = mapped_column(BigId, ForeignKey("conversations.id", ondelete="CASCADE"),
                                                 primary_key=True)
    brand_id: Mapped[int] = mapped_column(BigId, ForeignKey("brands.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    language: Mapped[str] = mapped_column(String(16))  # of the player's latest message
    last_intent: Mapped[str | None] = mapped_column(String(40))
    last_confidence: Mapped[float | None] = mapped_column(Float)
    # The turn whose intent the conversation carries (what an agent's correction is about).
    intent_turn_id: Mapped[int | None] = mapped_column(BigId)
    answers: Mapped[int] = mapped_column(Integer, default=0)
    rejections: Mapped[int] = mapped_column(Integer, default=0)
    handed_off: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[HandoffReason | None] = mapped_column(Enum(HandoffReason, native_enum=False, length=30))
    # For the agent: {"language", "intent", "confidence", "question", "said": [...], "articles": [{title, url}]}
    summary: Mapped[dict[str, Any] | None] = mapped_column()
    handed_off_at: Mapped[datetime | None]


class AssistantTurn(IdMixin, CreatedMixin, Base):
    """One player message the assistant handled, and what it did about it."""

    __tablename__ = "assistant_turns"
    __table_args__ = (UniqueConstraint("player_message_id"),
                      Index("ix_assistant_turns_conversation", "conversation_id", "id"))

    conversation_id: Mapped[int] = mapped_column(BigId, ForeignKey("conversations.id", ondelete="CASCADE"))
    player_message_id: Mapped[int] = mapped_column(BigId, ForeignKey("messages.id", ondelete="CASCADE"))
    reply_message_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("messages.id", ondelete="SET NULL"),
                                                         index=True)
    text: Mapped[str] = mapped_column(Text)  # the player's message, redacted
    language: Mapped[str] = mapped_column(String(16))
    intent: Mapped[str] = mapped_column(String(40))
    confidence: Mapped[float] = mapped_column(Float)
    action: Mapped[TurnAction] = mapped_column(Enum(TurnAction, native_enum=False, length=20))
    # [{"article_id", "slug", "locale", "title", "heading", "fallback", "url"}]
    passages: Mapped[list[Any]] = mapped_column(JSON, default=list)
    rejected: Mapped[bool] = mapped_column(Boolean, default=False)  # "that didn't help" or a thumbs-down


class IntentReview(IdMixin, CreatedMixin, Base):
    """An agent's verdict on a turn's predicted intent: confirmed (same) or corrected (another). The latest
    verdict on a turn stands."""

    __tablename__ = "assistant_intent_reviews"
    __table_args__ = (UniqueConstraint("turn_id"), Index("ix_assistant_intent_reviews_brand", "brand_id", "id"))

    turn_id: Mapped[int] = mapped_column(BigId, ForeignKey("assistant_turns.id", ondelete="CASCADE"))
    conversation_id: Mapped[int] = mapped_column(BigId, ForeignKey("conversations.id", ondelete="CASCADE"),
                                                 index=True)
    brand_id: Mapped[int] = mapped_column(BigId, ForeignKey("brands.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    predicted: Mapped[str] = mapped_column(String(40))
    confidence: Mapped[float] = mapped_column(Float)
    intent: Mapped[str] = mapped_column(String(40))  # the agent's
    user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
