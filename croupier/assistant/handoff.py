"""Handing a conversation to people: which intents go at once and where, what the assistant tells the player
on the way, and the summary the agent reads.

Responsible gambling: the brand's tools and the helplines of the player's country first, flagged, to the
brand's responsible-gambling team, never a bonus. Account security: the safety steps, urgent, to the
security team. Complaint: a formal acknowledgement, to the complaints team. Any other reason (asked for a
person, unsure, two rejected answers, nothing in the knowledge base) goes to no particular team unless the
brand's settings name one for it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.kit import i18n
from croupier.models import (
    AssistantSettings,
    AssistantTurn,
    Conversation,
    HandoffReason,
    Helpline,
    Message,
    Player,
    Priority,
    Team,
)

# Intents that reach a person at once, whatever the confidence.
IMMEDIATE = {"responsible_gambling": HandoffReason.responsible_gambling,
             "account_security": HandoffReason.account_security,
             "complaint": HandoffReason.complaint}
FLAGS: dict[HandoffReason, tuple[Priority | None, tuple[str, ...]]] = {
    HandoffReason.responsible_gambling: (Priority.high, ("responsible-gambling",)),
    HandoffReason.account_security: (Priority.urgent, ("account-security",)),
    HandoffReason.complaint: (None, ("complaint",)),
}
MAX_HELPLINES = 3
SAID_CHARS = 300


async def team_for(session: AsyncSession, settings: AssistantSettings | None, reason: HandoffReason) -> int | None:
    """The team the brand routes this reason to (by name), or None."""
    name = (settings.teams if settings else {}).get(reason.value)
    if not isinstance(name, str) or not name:
        return None
    return await session.scalar(select(Team.id).where(Team.name == name))


async def helplines(session: AsyncSession, brand_id: int, country: str | None) -> list[Helpline]:
    """The brand's helplines in the player's country; all of them (the first few) if it has none there."""
    query = select(Helpline).where(Helpline.brand_id == brand_id).order_by(Helpline.id)
    mine = list(await session.scalars(query.where(Helpline.country == (country or "").upper())))
    return mine or list(await session.scalars(query.limit(MAX_HELPLINES)))


def _helpline_line(h: Helpline) -> str:
    return " · ".join(part for part in (h.name, h.phone, h.url, h.hours) if part)


def message(reason: HandoffReason, language: str, *, lines: Sequence[Helpline] = (), reference: int = 0,
            tools: str = "") -> str:
    """What the player is told when handed off for `reason`."""
    _ = i18n.translations(language).gettext
    if reason == HandoffReason.responsible_gambling:
        parts = [_("Thank you for telling us. You can set deposit, loss and time limits, take a break or exclude "
                   "yourself from playing at any time."), tools]
        if lines:
            parts.append("\n".join([_("Free, confidential help is available:"), *map(_helpline_line, lines)]))
        parts.append(_("A colleague from our responsible gambling team will write to you here shortly."))
        return "\n\n".join(p for p in parts if p)
    if reason == HandoffReason.account_security:
        return "\n\n".join([
            _("Please change your password now, sign out of all devices and turn on two-factor authentication "
              "in your account settings."),
            _("Never share your password, full card number, CVV or one-time codes with anyone, including us."),
            _("I have flagged this as urgent: our security team will check your account and write to you here.")])
    if reason == HandoffReason.complaint:
        return _("Your complaint has been registered under reference %(reference)s. A member of our complaints "
                 "team will review it and send you a formal response here. You are welcome to add any details "
                 "in the meantime.") % {"reference": f"#{reference}"}
    if reason == HandoffReason.rejected_answers:
        return _("I'm sorry I couldn't help. I'm passing you to a colleague, who will reply here shortly.")
    return _("I'm passing you to a colleague from our support team, who will reply here shortly.")


async def summary(session: AsyncSession, conversation: Conversation, *, language: str, intent: str,
                  confidence: float, question: str) -> dict[str, Any]:
    """What the agent reads first: language, intent, what the player asked, what the assistant already said
    and the articles it offered."""
    said = list(await session.scalars(select(Message.body).join(
        AssistantTurn, AssistantTurn.reply_message_id == Message.id)
        .where(AssistantTurn.conversation_id == conversation.id).order_by(Message.id)))
    offered: dict[str, dict[str, Any]] = {}
    for passages in await session.scalars(select(AssistantTurn.passages).where(
            AssistantTurn.conversation_id == conversation.id).order_by(AssistantTurn.id)):
        for p in passages or []:
            offered.setdefault(p["url"], {"title": p["title"], "url": p["url"]})
    return {"language": language, "intent": intent, "confidence": round(confidence, 3), "question": question,
            "said": [s if len(s) <= SAID_CHARS else s[:SAID_CHARS] + "…" for s in said],
            "articles": list(offered.values())}


async def player_country(session: AsyncSession, conversation: Conversation) -> str | None:
    return await session.scalar(select(Player.country).where(Player.id == conversation.player_id))
