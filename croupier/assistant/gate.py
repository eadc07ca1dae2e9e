"""Whether a conversation is with the assistant, and queuing the assistant's turn for a player's message.

A conversation is with the assistant while its brand has the assistant enabled, no agent is assigned and
the assistant has not handed it off. The fast paths (channels/webchat/fastpath.py, channels/batch.py) ask the
same question in SQL (`NOT_WITH_ASSISTANT_SQL`) and leave such conversations to the full path, which comes here."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.models import AssistantSettings, AssistantState, Conversation, Message
from croupier.worker.queue import enqueue

RESPOND_JOB = "assistant.respond"
# `with_assistant` as SQL, negated, for the fast paths' statements: conversation `c` is not with the assistant.
NOT_WITH_ASSISTANT_SQL = """(c.assignee_id IS NOT NULL
     OR NOT EXISTS (SELECT 1 FROM assistant_settings s WHERE s.brand_id = c.brand_id AND s.enabled)
     OR EXISTS (SELECT 1 FROM assistant_states a WHERE a.conversation_id = c.id AND a.handed_off))"""


async def with_assistant(session: AsyncSession, conversation: Conversation) -> bool:
    if conversation.assignee_id is not None:
        return False
    enabled = await session.scalar(select(AssistantSettings.enabled).where(
        AssistantSettings.brand_id == conversation.brand_id))
    if not enabled:
        return False
    handed_off = await session.scalar(select(AssistantState.handed_off).where(
        AssistantState.conversation_id == conversation.id))
    return not handed_off


async def after_player_message(session: AsyncSession, conversation: Conversation, message: Message) -> None:
    """Queue the assistant's turn in the transaction that stores the message (a rollback drops both)."""
    if await with_assistant(session, conversation):
        enqueue(session, RESPOND_JOB, {"message_id": message.id})
