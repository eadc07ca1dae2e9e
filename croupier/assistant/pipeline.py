"""The assistant's turn for one player message (job `assistant.respond`, queued with the message by
gate.py): language -> intent -> knowledge-base passages -> answer, clarifying question or hand-off.

Three short transactions around the slow parts: read what the turn needs; (detect and classify outside
any transaction); retrieve and compose; (phrase with the language model, if one is configured, outside
any transaction); then, under the conversation's lock, record the turn and say the reply - unless the
message was already answered (a retried job) or the conversation left the assistant meanwhile.

Decisions, in order: a responsible-gambling message is handed off first, whatever else it says; "that
didn't help" after an answer counts a rejection (the second hands off, the first asks to rephrase);
account security and complaints hand off at once; asking for a person hands off; a greeting is greeted;
two close intents get one clarifying question (never twice in a row); low confidence hands off; no
passage in the knowledge base hands off; otherwise the answer, which must pass the safety check.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.assistant import answer, handoff
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
    Message,
    Player,
    TurnAction,
)

CLARIFY_MARGIN = 0.4  # the two best intents closer than this: ask which one
REJECTIONS_TO_HANDOFF = 2
PASSAGES = 5
NOT_ANSWERABLE = frozenset({"talk_to_human", "greeting", "other", *handoff.IMMEDIATE})


def _optional(module: str) -> Any:
    """safety.py and llm.py are written alongside this module; until they land, replies go unchecked and
    unphrased."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError:
        return None


safety = _optional("croupier.assistant.safety")
llm = _optional("croupier.assistant.llm")


@dataclass(frozen=True)
class Seen:
    """What the turn knows about the message and its conversation before deciding."""

    message_id: int
    conversation_id: int
    brand_id: int
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
    model = builtin_model()
    language = model.detect_language(seen.text, seen.priors)
    ranking = ranked(model, seen.text, language)
    async with db.transaction() as session:
        plan = await _plan(session, seen, language, ranking, model.handoff_below)
    plan = await _phrased(seen, plan)
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
    return Seen(message_id=message.id, conversation_id=conversation.id, brand_id=brand.id, text=text,
                redacted=safety.redact(text) if safety else text,
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
        return replace(base, reason=HandoffReason.responsible_gambling,
                       passages=await _articles_for(session, brand, intent, language))
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
    hits = await _retrieve(session, seen, base)
    if not hits:
        return replace(base, reason=HandoffReason.no_answer)
    reply = answer.compose(hits, await _facts(session, seen, brand, intent, language), language, brand.slug)
    if safety and safety.check_reply(reply.text, language):
        return replace(base, reason=HandoffReason.unsafe_reply)
    return replace(base, action=TurnAction.answer, text=reply.text, passages=reply.passages, hits=hits)


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


async def _articles_for(session: AsyncSession, brand: Brand, intent: str, language: str) -> list[dict[str, Any]]:
    """The brand's published articles written for `intent`, in `language` or else the brand's default."""
    rows = (await session.execute(
        select(Article.id, Article.slug, Article.intents, ArticleTranslation.locale, ArticleTranslation.title)
        .join(ArticleTranslation, ArticleTranslation.article_id == Article.id)
        .where(Article.brand_id == brand.id, ArticleTranslation.status == ArticleStatus.published,
               ArticleTranslation.locale.in_({language, brand.default_locale}))
        .order_by(Article.position, Article.id))).all()
    found: dict[int, dict[str, Any]] = {}
    for article_id, slug, intents, locale, title in rows:
        if intent in (intents or []) and (article_id not in found or locale == language):
            found[article_id] = answer.article_record(brand.slug, article_id, slug, locale, title,
                                                      fallback=locale != language)
    return list(found.values())[:answer.MAX_LINKS]


async def _facts(session: AsyncSession, seen: Seen, brand: Brand, intent: str, language: str) -> list[str]:
    settings = await session.get(AssistantSettings, seen.brand_id)
    provider = PROVIDERS.get(settings.facts_provider or "") if settings else None
    conversation = await session.get(Conversation, seen.conversation_id)
    player = await session.get(Player, conversation.player_id)
    if provider is None or player is None:
        return []
    return await provider.facts(session, brand=brand, player=player, intent=intent, language=language)


async def _phrased(seen: Seen, plan: Plan) -> Plan:
    """The answer phrased by the configured language model, grounded in the same passages, if it is safe."""
    if llm is None or plan.action != TurnAction.answer:
        return plan
    passages = [{"title": h.title, "heading": h.heading, "text": h.text} for h in plan.hits]
    phrased = await llm.phrase(question=seen.redacted, language=plan.language, passages=passages, draft=plan.text)
    if not phrased or (safety and safety.check_reply(phrased, plan.language)):
        return plan
    return replace(plan, text=answer.draft_with_links(phrased, answer.Reply(plan.text, plan.passages),
                                                      plan.language).text)


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
