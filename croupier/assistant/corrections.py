"""An agent's verdict from the assistant panel: another intent corrects the conversation's (through the
conversation service, which records the review); the same intent confirms the prediction."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from croupier.assistant.reviews import review
from croupier.auth.principal import Principal
from croupier.conversation.schemas import ConversationUpdate
from croupier.conversation.service import conversation_service
from croupier.errors import BadRequest
from croupier.intents import INTENTS
from croupier.kit.i18n import N_
from croupier.models import Conversation


async def correct_intent(session: AsyncSession, principal: Principal, conversation_id: int, intent: str, *,
                         ip: str | None = None) -> Conversation:
    principal.require("conversations:write")
    if intent not in INTENTS:
        raise BadRequest(N_("Unknown intent: %(intents)s. Known intents: %(known)s."), code="unknown_intent",
                         intents=intent[:40], known=", ".join(INTENTS))
    conversation = await conversation_service.get(session, principal, conversation_id, for_update=True)
    if intent != conversation.intent:
        return await conversation_service.update(session, principal, conversation_id,
                                                 ConversationUpdate(intent=intent), ip=ip)
    await review(session, principal, conversation)
    return conversation
