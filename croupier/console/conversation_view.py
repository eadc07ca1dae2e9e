"""What the conversation page shows: messages with their files and authors, the conversation's
properties with the choices an agent may make, and the player's sidebar."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from croupier.call.service import call_service
from croupier.channels.whatsapp.templates import reply_window
from croupier.console import assistant_view, labels, playbook_view, repository
from croupier.console.staff import Staff
from croupier.conversation import repository as conversations
from croupier.conversation.repository import InboxFilter
from croupier.conversation.service import conversation_service
from croupier.intents import INTENTS
from croupier.models import Attachment, CallLog, Conversation, Message, User
from croupier.playbook.service import playbook_service
from croupier.player.service import player_service

HISTORY = 200
PAST_CONVERSATIONS = 10


@dataclass
class MessageView:
    message: Message
    author: User | None
    attachments: list[Attachment] = field(default_factory=list)


@dataclass
class CallView:
    call: CallLog
    agent: User | None


async def message_views(session: AsyncSession, messages: list[Message]) -> list[MessageView]:
    files = await conversations.attachments_for(session, [m.id for m in messages])
    authors = await repository.users_by_id(session, {m.author_user_id for m in messages if m.author_user_id})
    return [MessageView(m, authors.get(m.author_user_id) if m.author_user_id else None, files.get(m.id, []))
            for m in messages]


async def latest_messages(session: AsyncSession, staff: Staff, conversation_id: int
                          ) -> tuple[list[MessageView], bool]:
    """The latest HISTORY messages, and whether there are older ones."""
    conversation = await conversation_service.get(session, staff.principal, conversation_id)
    found = await conversations.messages(session, [conversation.id], include_private=True, limit=HISTORY + 1)
    return await message_views(session, found[-HISTORY:]), len(found) > HISTORY


async def messages_after(session: AsyncSession, staff: Staff, conversation_id: int,
                         after_id: int | None) -> list[MessageView]:
    found = await conversation_service.messages(session, staff.principal, conversation_id, after_id=after_id,
                                                limit=HISTORY)
    return await message_views(session, found)


async def properties(session: AsyncSession, staff: Staff, conversation: Conversation) -> dict[str, Any]:
    """The conversation's properties form: current values and the staff and teams to choose from."""
    people = await repository.staff_of_brands(session, [conversation.brand_id])
    current = await repository.users_by_id(session, [conversation.assignee_id] if conversation.assignee_id else [])
    return {
        "conversation": conversation,
        "tags": (await conversations.tags_for(session, [conversation.id])).get(conversation.id, []),
        "assignee": current.get(conversation.assignee_id or 0),
        "staff_members": people,
        "can_assign_others": staff.principal.allows("users:read"),
        "teams": await repository.teams(session),
        "intents": INTENTS,
    }


async def sidebar(session: AsyncSession, staff: Staff, conversation: Conversation) -> dict[str, Any]:
    player = await player_service.get(session, staff.principal, conversation.player_id)
    identities = await player_service.identities(session, staff.principal, player.id)
    past = await conversation_service.list(session, staff.principal, InboxFilter(player_id=player.id),
                                           limit=PAST_CONVERSATIONS + 1)
    return {
        "player": player,
        "identities": identities,
        "past": [c for c in past if c.id != conversation.id][:PAST_CONVERSATIONS],
        "can_merge": staff.principal.allows("players:write"),
    }


async def calls(session: AsyncSession, staff: Staff, conversation: Conversation) -> dict[str, Any]:
    """The call log panel: the conversation's calls with their agents, and the "Log a call" form's choices."""
    found = await call_service.calls(session, staff.principal, conversation.id)
    agents = await repository.users_by_id(session, {c.agent_id for c in found if c.agent_id})
    return {
        "calls": [CallView(c, agents.get(c.agent_id or 0)) for c in found],
        "can_log_calls": staff.principal.allows("conversations:write"),
        "call_directions": list(labels.call_direction),
        "call_outcomes": list(labels.call_outcome),
    }


async def page(session: AsyncSession, staff: Staff, conversation_id: int) -> dict[str, Any]:
    conversation = await conversation_service.get(session, staff.principal, conversation_id)
    brands = await repository.brands_by_id(session, [conversation.brand_id])
    channels = await repository.channels_by_id(session, [conversation.channel_id])
    messages, older_hidden = await latest_messages(session, staff, conversation.id)
    return {
        "brand": brands.get(conversation.brand_id),
        "channel": channels.get(conversation.channel_id),
        "messages": messages,
        "older_hidden": older_hidden,
        "history": HISTORY,
        "reply_window": reply_window(channels.get(conversation.channel_id), conversation),  # WhatsApp's 24 h
        **await assistant_view.panel(session, staff, conversation),
        **await properties(session, staff, conversation),
        **await sidebar(session, staff, conversation),
        **await calls(session, staff, conversation),
        **await playbook_view.context(session, staff, await playbook_service.panel(session, staff.principal,
                                                                                   conversation.id)),
    }
