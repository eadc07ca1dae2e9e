"""Every call-log query (the conversation's visibility is checked by the conversation service first)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.models import CallLog


async def calls_of(session: AsyncSession, conversation_id: int, limit: int) -> list[CallLog]:
    """The conversation's calls, latest first."""
    return list(await session.scalars(select(CallLog).where(CallLog.conversation_id == conversation_id)
                                      .order_by(CallLog.started_at.desc(), CallLog.id.desc()).limit(limit)))
