"""The supervisors' figures on the assistant, per language, for a brand and period: containment (the
conversations it took part in that no person had to answer: not handed off, no agent reply), hand-off
reasons, and its accuracy on the intents agents reviewed."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.auth.principal import Principal
from croupier.models import AssistantState, AuthorType, IntentReview, Message


@dataclass
class LanguageLine:
    language: str
    conversations: int = 0
    contained: int = 0
    handed_off: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    reviewed: int = 0
    correct: int = 0

    @property
    def containment(self) -> float | None:
        return self.contained / self.conversations if self.conversations else None

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.reviewed if self.reviewed else None


async def report(session: AsyncSession, principal: Principal, brand_id: int, since: datetime,
                 until: datetime) -> list[LanguageLine]:
    """One line per language, most conversations first (the caller has checked the brand is the principal's)."""
    principal.require("assistant:supervise")
    states = (await session.execute(select(AssistantState.conversation_id, AssistantState.language,
                                           AssistantState.handed_off, AssistantState.reason).where(
        AssistantState.brand_id == brand_id, AssistantState.created_at >= since,
        AssistantState.created_at < until))).all()
    answered_by_people = set(await session.scalars(select(Message.conversation_id).distinct().where(
        Message.conversation_id.in_([s.conversation_id for s in states]), Message.author_type == AuthorType.agent,
        Message.is_private.is_(False)))) if states else set()
    lines: dict[str, LanguageLine] = {}
    for conversation_id, language, handed_off, reason in states:
        line = lines.setdefault(language, LanguageLine(language))
        line.conversations += 1
        if handed_off:
            line.handed_off += 1
            line.reasons[reason.value] += 1
        elif conversation_id not in answered_by_people:
            line.contained += 1
    for language, predicted, intent in (await session.execute(select(
            IntentReview.language, IntentReview.predicted, IntentReview.intent).where(
            IntentReview.brand_id == brand_id, IntentReview.updated_at >= since,
            IntentReview.updated_at < until))).all():
        line = lines.setdefault(language, LanguageLine(language))
        line.reviewed += 1
        line.correct += predicted == intent
    return sorted(lines.values(), key=lambda line: (-line.conversations, line.language))
