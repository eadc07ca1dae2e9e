"""A player's thumbs-down on an assistant message in the widget: it rejects that answer the way "that didn't
help" does, and the second rejected answer hands the conversation to a person."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.assistant import handoff
from croupier.assistant.gate import with_assistant
from croupier.assistant.pipeline import REJECTIONS_TO_HANDOFF, hand_off
from croupier.conversation.service import conversation_service
from croupier.errors import NotFound
from croupier.kit.i18n import N_
from croupier.models import (
    AssistantState,
    AssistantTurn,
    AuthorType,
    Conversation,
    HandoffReason,
    Message,
    TurnAction,
)


@dataclass(frozen=True)
class Rejection:
    counted: bool  # an answer not rejected before (greetings, questions and hand-offs are not counted)
    handed_off: bool


async def thumbs_down(session: AsyncSession, conversation_ids: list[int], message_id: int) -> Rejection:
    """Reject the assistant's message `message_id` in one of the visitor's conversations (idempotent)."""
    message = await session.get(Message, message_id)
    if message is None or message.conversation_id not in conversation_ids \
            or message.author_type != AuthorType.assistant:
        raise NotFound(N_("There is no message %(id)s."), id=message_id)
    conversation = await session.get(Conversation, message.conversation_id, with_for_update=True)
    turn = await session.scalar(select(AssistantTurn).where(AssistantTurn.reply_message_id == message.id))
    if turn is None or turn.action != TurnAction.answer or turn.rejected:
        return Rejection(False, False)
    turn.rejected = True
    state = await session.get(AssistantState, conversation.id)
    state.rejections += 1
    if state.rejections < REJECTIONS_TO_HANDOFF or not await with_assistant(session, conversation):
        return Rejection(True, False)
    await conversation_service.say(session, conversation,
                                   handoff.message(HandoffReason.rejected_answers, state.language))
    await hand_off(session, conversation, state, HandoffReason.rejected_answers, question=turn.text)
    return Rejection(True, True)
