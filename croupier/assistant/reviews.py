"""Agents' reviews of the intents the assistant predicted: setting a conversation's intent (in its properties
or the assistant panel) records a verdict on the turn that predicted it, keeping the original prediction.
They measure the model's accuracy and export as training data (`{"text", "intent", "language"}` lines,
the format `croupier assistant train` reads)."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.auth.principal import Principal
from croupier.kit.clock import utcnow
from croupier.models import AssistantState, AssistantTurn, Conversation, IntentReview


async def review(session: AsyncSession, principal: Principal, conversation: Conversation) -> IntentReview | None:
    """Record the conversation's current intent as the agent's verdict on the assistant's prediction (none
    when the assistant predicted nothing here or the intent was cleared)."""
    if not conversation.intent:
        return None
    turn_id = await session.scalar(select(AssistantState.intent_turn_id).where(
        AssistantState.conversation_id == conversation.id))
    turn = await session.get(AssistantTurn, turn_id) if turn_id else None
    if turn is None:
        return None
    found = await session.scalar(select(IntentReview).where(IntentReview.turn_id == turn.id))
    if found is None:
        found = IntentReview(turn_id=turn.id, conversation_id=conversation.id, brand_id=conversation.brand_id,
                             language=turn.language, text=turn.text, predicted=turn.intent,
                             confidence=turn.confidence, intent=conversation.intent)
        session.add(found)
    found.intent, found.user_id, found.updated_at = conversation.intent, principal.user_id, utcnow()
    await session.flush()
    return found


async def training_data(session: AsyncSession, principal: Principal, brand_id: int) -> str:
    """One JSON line per reviewed turn of the brand, with the agent's intent, oldest first."""
    principal.require("assistant:supervise")
    rows = await session.execute(select(IntentReview.text, IntentReview.intent, IntentReview.language)
                                 .where(IntentReview.brand_id == brand_id).order_by(IntentReview.id))
    return "".join(json.dumps({"text": text, "intent": intent, "language": language}, ensure_ascii=False) + "\n"
                   for text, intent, language in rows)
