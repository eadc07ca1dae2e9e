"""What the console shows of the assistant: its panel beside a conversation (intent and confidence, the
hand-off reason and summary, its turns), the names of hand-off reasons and turn actions, and a brand's
settings form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.assistant.facts import PROVIDERS
from croupier.assistant.settings import REASONS, BrandAssistant, team_names
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

# Why each reason reaches a person, shown under its team on the settings page.
reason_hint = {
    HandoffReason.low_confidence: N_("The assistant is not sure what the player wants."),
    HandoffReason.asked_for_human: N_("The player asked to talk to a person."),
    HandoffReason.rejected_answers: N_("The player said twice that an answer did not help."),
    HandoffReason.no_answer: N_("The knowledge base has no article for the question."),
    HandoffReason.unsafe_reply: N_("The only answer the assistant had did not pass its safety check."),
    HandoffReason.responsible_gambling: N_("Always handed off at once, with high priority."),
    HandoffReason.account_security: N_("Always handed off at once, as urgent."),
    HandoffReason.complaint: N_("Always handed off at once, with a complaint reference."),
}

provider = {
    "demo": N_("Demo players (the demo brands' sample withdrawals)"),
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


@dataclass(frozen=True)
class TeamChoice:
    """One hand-off reason's select on the settings page."""

    reason: HandoffReason
    label: str
    hint: str
    selected: str | None
    options: list[str]  # team names; a selected name that is no team is listed too, marked missing
    missing: bool


async def settings_form(session: AsyncSession, found: BrandAssistant, submitted: BrandAssistant | None = None
                        ) -> dict[str, Any]:
    """The settings page's context: the brand's settings, or what was submitted when it was refused."""
    shown = submitted or found
    names = await team_names(session)
    choices = []
    for r in REASONS:
        selected = shown.teams.get(r)
        missing = selected is not None and selected not in names
        choices.append(TeamChoice(reason=r, label=reason[r], hint=reason_hint[r], selected=selected,
                                  options=[*names, selected] if missing and selected else names, missing=missing))
    return {"settings": found, "enabled": shown.enabled, "facts_provider": shown.facts_provider,
            "providers": [(key, provider.get(key, key)) for key in PROVIDERS], "team_choices": choices,
            "has_teams": bool(names)}
