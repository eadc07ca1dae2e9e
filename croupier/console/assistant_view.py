"""What the console shows of the assistant: its panel beside a conversation (intent and confidence, the
hand-off reason and summary, its turns) and the names of hand-off reasons and turn actions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.console.staff import Staff
from croupier.intents import INTENTS
from croupier.kit.i18n import N_
from croupier.models import (
    AssistantState,
    AssistantTurn,
    Conversation,
    HandoffReason,
    IntentReview,
    TurnAction,
)

reason = {
    HandoffReason.low_confidence: N_("Unsure of the intent"),
    HandoffReason.asked_for_human: N_("Asked for a person"),
    HandoffReason.rejected_answers: N_("Two answers did not help"),
    HandoffReason.no_answer: N_("Nothing in the knowledge base"),
    HandoffReason.unsafe_reply: N_("The answer failed the safety check"),
    HandoffReason.responsible_gambling: N_("Responsible gambling"),
    HandoffReason.account_security: N_("Account security"),
    HandoffReason.complaint: N_("Complaint"),
}

action = {
    TurnAction.answer: N_("Answered"),
    TurnAction.greeting: N_("Greeted"),
    TurnAction.clarify: N_("Asked to clarify"),
    TurnAction.apology: N_("Asked to rephrase"),
    TurnAction.handoff: N_("Handed off"),
}


async def panel(session: AsyncSession, staff: Staff, conversation: Conversation) -> dict[str, Any]:
    """The assistant panel's context (the conversation was read through the service: the reader may see it)."""
    state = await session.get(AssistantState, conversation.id)
    turns = list(await session.scalars(select(AssistantTurn).where(AssistantTurn.conversation_id == conversation.id)
                                       .order_by(AssistantTurn.id)))
    review = await session.scalar(select(IntentReview).where(IntentReview.turn_id == state.intent_turn_id)) \
        if state and state.intent_turn_id else None
    return {
        "conversation": conversation,
        "assistant": state,
        "assistant_turns": turns,
        "assistant_review": review,
        "intents": INTENTS,
        "reason_names": reason,
        "action_names": action,
        "can_review": staff.principal.allows("conversations:write"),
    }
