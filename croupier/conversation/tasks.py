"""Background jobs of the conversation module."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.kit.clock import utcnow
from croupier.live import LiveEvent, publish_after_commit
from croupier.models import Conversation, Status


async def wake_snoozed(session: AsyncSession) -> int:
    """Reopen snoozed conversations whose time has come."""
    due = list(await session.scalars(select(Conversation).where(
        Conversation.status == Status.snoozed, Conversation.snoozed_until <= utcnow()).limit(500)))
    for conversation in due:
        conversation.status = Status.open
        conversation.snoozed_until = None
        publish_after_commit(session, LiveEvent(type="conversation.updated", brand_id=conversation.brand_id,
                                                conversation_id=conversation.id,
                                                data={"changes": {"status": "open", "woke": True}}))
    return len(due)
