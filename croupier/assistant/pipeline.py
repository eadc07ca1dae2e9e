"""The assistant's turn for one player message (job `assistant.respond`, queued with the message by
gate.py): language -> intent -> knowledge-base passages -> answer, clarifying question or hand-off.

Three short transactions around the slow parts: read what the turn needs; (detect and classify outside
any transaction); retrieve and compose; (phrase with the language model, if one is configured, outside
any transaction); then, under the conversation's lock, record the turn and say the reply - unless the
message was already answered (a retried job) or the conversation left the assistant meanwhile.

Decisions, in order: a responsible-gambling message is handed off first, whatever else it says; "that
didn't help" after an answer counts a rejection (the second hands off, the first asks to rephrase);
account security and complaints hand off at once; asking for a person hands off; a greeting is greeted;
two close intents get one clarifying question (never twice in a row); low confidence hands off; a
message about something else than the casino gets the articles written for "other" (what the assistant
can help with); no passage in the knowledge base hands off; otherwise the answer from the best passage whose reply passes
the safety check (none: hand off).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.assistant import answer, handoff, llm, safety
from croupier.assistant.builtin import builtin_model
from croupier.assistant.facts import PROVIDERS
from croupier.assistant.gate import RESPOND_JOB, with_assistant
from croupier.assistant.ranking import ranked
from croupier.conversation.service import conversation_service
from croupier.db import Database
from croupier.kb.search import Hit, search
from croupier.kit.clock import utcnow
from croupier.models import (
    Article,
    ArticleStatus,
    ArticleTranslation,
    AssistantSettings,
    AssistantState,
    AssistantTurn,
    AuthorType,
    Brand,
    Conversation,
    HandoffReason,
    KbPassage,
    Message,
    Player,
    TurnAction,
)

CLARIFY_MARGIN = 0.4  # the two best intents closer than this: ask which one
REJECTIONS_TO_HANDOFF = 2
PASSAGES = 5
NOT_ANSWERABLE = frozenset({"talk_to_human", "greeting", "other", *handoff.IMMEDIATE})


@dataclass(frozen=True)
class Seen:
    """What the turn knows about the message and its conversation before deciding."""

    message_id: int
    conversation_id: int
    brand_id: int
    brand_slug: str
    text: str
    redacted: str
    priors: tuple[str | None, str | None]
    last_action: TurnAction | None
    answered_turn_id: int | None  # the latest answer, which a "didn't help" would reject
    rejections: int


@dataclass(frozen=True)
class Plan:
    language: str
    intent: str
    confidence: float
    action: TurnAction
    text: str = ""
    reason: HandoffReason | None = None
    passages: list[dict[str, Any]] = field(default_factory=list)
    rejects_turn_id: int | None = None
    hits: list[Hit] = field(default_factory=list)


async def respond(db: Database, message_id: int) -> None:
    async with db.transaction() as session:
        seen = await _seen(session, message_id)
    if seen is None:
        return
    model = await asyncio.to_thread(builtin_model)  # loading (or a first training) must not stall the loop
    language = model.detect_language(seen.text, seen.priors)
    ranking = ranked(model, seen.text, language)
    async with db.transaction() as session:
        plan = await _plan(session, seen, language, ranking, model.handoff_below)
    plan = await _phrased(seen, plan, seen.brand_slug)
    async with db.transaction() as session:
        await _apply(session, seen, plan)


async def _seen(session: AsyncSession, message_id: int) -> Seen | None:
    message = await session.get(Message, message_id)
    if message is None or message.author_type != AuthorType.player or not message.body.strip():
        return None
    conversation = await session.get(Conversation, message.conversation_id)
    if await _answered(session, message_id) or not await with_assistant(session, conversation):
        return None
    brand = await session.get(Brand, conversation.brand_id)
    player_locale = await session.scalar(select(Player.locale).where(Player.id == conversation.player_id))
    state = await session.get(AssistantState, conversation.id)
    last = await session.scalar(select(AssistantTurn).where(AssistantTurn.conversation_id == conversation.id)
                                .order_by(AssistantTurn.id.desc()).limit(1))
    answered = await session.scalar(select(AssistantTurn.id).where(
        AssistantTurn.conversation_id == conversation.id, AssistantTurn.action == TurnAction.answer,
        AssistantTurn.rejected.is_(False)).order_by(AssistantTurn.id.desc()).limit(1))
    text = message.body.strip()
    return Seen(message_id=message.id, conversation_id=conversation.id, brand_id=brand.id, brand_slug=brand.slug,
                text=text, redacted=safety.redact(text),
                priors=(player_locale, conversation.language or brand.default_locale),
                last_action=last.action if last else None, answered_turn_id=answered,
                rejections=state.rejections if state else 0)


async def _answered(session: AsyncSession, message_id: int) -> bool:
    return await session.scalar(select(AssistantTurn.id).where(AssistantTurn.player_message_id == message_id)) \
        is not None


async def _plan(session: AsyncSession, seen: Seen, language: str, ranking: list[tuple[str, float]],
                handoff_below: float) -> Plan:
    (intent, confidence), (second, runner_up) = ranking[0], ranking[1]
    base = Plan(language=language, intent=intent, confidence=confidence, action=TurnAction.handoff)
    if intent != "responsible_gambling" and seen.answered_turn_id and answer.is_rejection(seen.text):
        base = replace(base, rejects_turn_id=seen.answered_turn_id)
        if seen.rejections + 1 >= REJECTIONS_TO_HANDOFF:
            return replace(base, reason=HandoffReason.rejected_answers)
        return replace(base, action=TurnAction.apology, text=answer.apology(language))
    brand = await session.get(Brand, seen.brand_id)
    if intent == "responsible_gambling":  # the brand's tools: its articles on responsible gambling
        tools = await _written_for(session, brand, intent, language)
        return replace(base, reason=HandoffReason.responsible_gambling, passages=answer.articles_of(tools, brand.slug))
    if intent in handoff.IMMEDIATE:
        return replace(base, reason=handoff.IMMEDIATE[intent])
    if intent == "talk_to_human":
        return replace(base, reason=HandoffReason.asked_for_human)
    if intent == "greeting":
        return replace(base, action=TurnAction.greeting, text=answer.greeting(brand.name, language))
    if (seen.last_action != TurnAction.clarify and confidence - runner_up < CLARIFY_MARGIN
            and intent not in NOT_ANSWERABLE and second not in NOT_ANSWERABLE):
        return replace(base, action=TurnAction.clarify, text=answer.clarifying_question(intent, second, language))
    if confidence < handoff_below:
        return replace(base, reason=HandoffReason.low_confidence)
    if intent == "other":  # not about the casino: what the assistant can do, not whatever the words matched
        hits = await _written_for(session, brand, intent, language)
    else:
        hits = await _retrieve(session, seen, base) or await _written_for(session, brand, intent, language)
    if not hits:
        return replace(base, reason=HandoffReason.no_answer)
    facts = await _facts(session, seen, brand, intent, language)
    for best in hits:  # the best passage whose reply passes the safety check
        reply = answer.compose(best, hits, facts, language, brand.slug)
        if not safety.check_reply(reply.text, language):
            return replace(base, action=TurnAction.answer, text=reply.text, passages=reply.passages, hits=hits)
    return replace(base, reason=HandoffReason.unsafe_reply)


async def _retrieve(session: AsyncSession, seen: Seen, plan: Plan) -> list[Hit]:
    """The best passages for the message in the player's language (or the brand's default), those of
    articles written for the intent first."""
    hits = await search(session, seen.brand_id, plan.language, seen.text, limit=PASSAGES * 4)
    if not hits:
        return []
    tagged = dict((await session.execute(select(Article.id, Article.intents).where(
        Article.id.in_({h.article_id for h in hits})))).all())
    hits.sort(key=lambda h: plan.intent not in (tagged.get(h.article_id) or []))  # stable: by score within
    return hits[:PASSAGES]


async def _written_for(session: AsyncSession, brand: Brand, intent: str, language: str) -> list[Hit]:
    """The sections of the published articles written for `intent`, in `language` or else the brand's default
    (for messages whose words the search does not find, and the responsible-gambling tools)."""
    rows = (await session.execute(
        select(KbPassage, Article.id, Article.slug, Article.intents)
        .join(ArticleTranslation, ArticleTranslation.id == KbPassage.translation_id)
        .join(Article, Article.id == ArticleTranslation.article_id)
        .where(Article.brand_id == brand.id, ArticleTranslation.status == ArticleStatus.published,
               ArticleTranslation.locale.in_({language, brand.default_locale}))
        .order_by(Article.position, Article.id, KbPassage.position))).all()
    rows = [row for row in rows if intent in (row.intents or [])]
    translated = {article_id for p, article_id, *_ in rows if p.locale == language}
    titles = {p.translation_id: p.text for p, *_ in rows if p.position == 0}
    return [Hit(article_id=article_id, translation_id=p.translation_id, slug=slug, locale=p.locale,
                title=titles.get(p.translation_id, ""), heading=p.heading, text=p.text, score=0.0,
                fallback=p.locale != language)
            for p, article_id, slug, _intents in rows
            if p.position > 0 and p.locale == (language if article_id in translated else brand.default_locale)]


async def _facts(session: AsyncSession, seen: Seen, brand: Brand, intent: str, language: str) -> list[str]:
    settings = await session.get(AssistantSettings, seen.brand_id)
    provider = PROVIDERS.get(settings.facts_provider or "") if settings else None
    conversation = await session.get(Conversation, seen.conversation_id)
    player = await session.get(Player, conversation.player_id)
    if provider is None or player is None:
        return []
    return await provider.facts(session, brand=brand, player=player, intent=intent, language=language)


@dataclass(frozen=True)
class Grounding:
    """A passage the language model may phrase the answer from (llm.Passage)."""

    title: str
    text: str
    url: str


async def _phrased(seen: Seen, plan: Plan, brand_slug: str) -> Plan:
    """The answer phrased by the configured language model from the same passages (llm.phrase checks it is
    safe and cites them); the composed answer when there is no model or its reply is unusable."""
    if plan.action != TurnAction.answer:
        return plan
    passages = [Grounding(h.title, h.text, answer.article_url(brand_slug, h.locale, h.slug)) for h in plan.hits]
    phrased = await llm.phrase(question=seen.redacted, language=plan.language, passages=passages, draft=plan.text)
    return replace(plan, text=phrased) if phrased else plan


async def _apply(session: AsyncSession, seen: Seen, plan: Plan) -> None:
    conversation = await session.get(Conversation, seen.conversation_id, with_for_update=True)
    if conversation is None or await _answered(session, seen.message_id) \
            or not await with_assistant(session, conversation):
        return
    state = await session.get(AssistantState, conversation.id)
    if state is None:
        state = AssistantState(conversation_id=conversation.id, brand_id=conversation.brand_id,
                               language=plan.language, answers=0, rejections=0, handed_off=False)
        session.add(state)
    state.language, state.last_intent, state.last_confidence = plan.language, plan.intent, plan.confidence
    turn = AssistantTurn(conversation_id=conversation.id, player_message_id=seen.message_id, text=seen.redacted,
                         language=plan.language, intent=plan.intent, confidence=plan.confidence,
                         action=plan.action, passages=plan.passages, rejected=False)
    session.add(turn)
    await session.flush()
    if plan.rejects_turn_id:
        rejected = await session.get(AssistantTurn, plan.rejects_turn_id)
        rejected.rejected = True
        state.rejections += 1
    else:
        await _carry_intent(session, conversation, state, turn)
    if plan.action == TurnAction.answer:
        state.answers += 1
    text = plan.text
    if plan.reason is not None:
        text = await _handoff_text(session, conversation, plan)
    message = await conversation_service.say(session, conversation, text)
    turn.reply_message_id = message.id
    if plan.reason is not None:
        await hand_off(session, conversation, state, plan.reason, question=seen.redacted)


async def _carry_intent(session: AsyncSession, conversation: Conversation, state: AssistantState,
                        turn: AssistantTurn) -> None:
    """The conversation takes the turn's intent unless an agent chose one, or it says nothing new (a greeting
    or "other" after a real intent)."""
    current = await session.get(AssistantTurn, state.intent_turn_id) if state.intent_turn_id else None
    if conversation.intent is not None and (current is None or current.intent != conversation.intent):
        return
    if conversation.intent is not None and turn.intent in ("greeting", "other"):
        return
    conversation.intent, state.intent_turn_id = turn.intent, turn.id


async def _handoff_text(session: AsyncSession, conversation: Conversation, plan: Plan) -> str:
    assert plan.reason is not None
    if plan.reason != HandoffReason.responsible_gambling:
        return handoff.message(plan.reason, plan.language, reference=conversation.id)
    lines = await handoff.helplines(session, conversation.brand_id, await handoff.player_country(session,
                                                                                                 conversation))
    return handoff.message(plan.reason, plan.language, lines=lines,
                           tools=answer.links(plan.passages, plan.language) if plan.passages else "")


async def hand_off(session: AsyncSession, conversation: Conversation, state: AssistantState,
                   reason: HandoffReason, *, question: str) -> None:
    """End the assistant's part: reason and summary stored, the conversation routed and flagged."""
    settings = await session.get(AssistantSettings, conversation.brand_id)
    state.handed_off, state.reason, state.handed_off_at = True, reason, utcnow()
    state.summary = await handoff.summary(session, conversation, language=state.language,
                                          intent=state.last_intent or "other",
                                          confidence=state.last_confidence or 0.0, question=question)
    priority, tags = handoff.FLAGS.get(reason, (None, ()))
    await conversation_service.hand_over(session, conversation, reason=reason.value, priority=priority, tags=tags,
                                         team_id=await handoff.team_for(session, settings, reason))


class Respond:
    async def __call__(self, db: Database, payload: dict[str, Any]) -> None:
        await respond(db, int(payload["message_id"]))


HANDLERS = {RESPOND_JOB: Respond()}
