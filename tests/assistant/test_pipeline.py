"""The assistant end to end: a player writes through the widget's API, the worker runs the assistant's job,
and the reply, the turn, the hand-off and the routing are read back from the API and the database."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from croupier.assistant.builtin import builtin_model
from croupier.assistant.gate import RESPOND_JOB
from croupier.assistant.pipeline import CLARIFY_MARGIN
from croupier.assistant.ranking import ranked
from croupier.kb.service import kb_service
from croupier.models import (
    Article,
    AssistantState,
    AssistantTurn,
    Conversation,
    HandoffReason,
    Job,
    Player,
    Priority,
    TurnAction,
)
from tests.assistant.conversation import ask, history
from tests.channels.pipeline import run
from tests.factories import make_brand, player_says, widget_session

HELP = "http://127.0.0.1:8000/help/lucky-star"
KB = Path(__file__).resolve().parents[2] / "croupier" / "demo" / "kb" / "lucky-star" / "articles"


def article_text(slug: str, locale: str) -> str:
    """The article's body as plain running text (no Markdown emphasis, single spaces)."""
    return " ".join((KB / slug / f"{locale}.md").read_text(encoding="utf-8").replace("**", "").split())


async def state_of(db, conversation_id) -> AssistantState | None:
    async with db.transaction() as s:
        return await s.get(AssistantState, conversation_id)


async def conversation_of(db, conversation_id) -> Conversation:
    async with db.transaction() as s:
        return await s.get(Conversation, conversation_id)


async def tags_of(db, conversation_id) -> list[str]:
    from croupier.conversation import repository

    async with db.transaction() as s:
        return (await repository.tags_for(s, [conversation_id])).get(conversation_id, [])


async def unpublish(db, brand, slug: str, locale: str) -> None:
    """Take one translation of a demo article off the help centre (and out of the assistant's reach)."""
    async with db.transaction() as s:
        article = await s.scalar(select(Article.id).where(Article.brand_id == brand.id, Article.slug == slug))
        await kb_service.unpublish(s, None, article, locale)


async def jobs(db) -> int:
    async with db.transaction() as s:
        return await s.scalar(select(func.count()).select_from(Job).where(Job.kind == RESPOND_JOB))


class TestAnswers:
    async def test_polish_question_answered_in_polish_from_the_knowledge_base_with_the_article_link(
            self, client, db, casino):
        _brand, channel, _teams = casino
        token = await widget_session(client, channel, locale="pl")
        [reply] = await ask(client, db, token, "Gdzie jest moja wypłata? Czekam od wczoraj")
        first = reply["body"].split("\n\n")[0]
        assert len(first) > 80 and first in article_text("withdrawal-times", "pl")  # quoted from the article
        assert f"{HELP}/pl/a/withdrawal-times" in reply["body"]
        assert "Więcej informacji:" in reply["body"]  # "Read more:" in Polish
        conversation = await conversation_of(db, reply["conversation_id"])
        assert conversation.intent == "withdrawal_status" and conversation.assignee_id is None
        state = await state_of(db, reply["conversation_id"])
        assert (state.language, state.last_intent, state.answers, state.handed_off) == ("pl", "withdrawal_status",
                                                                                       1, False)
        async with db.transaction() as s:
            turn = await s.scalar(select(AssistantTurn))
        assert turn.action == TurnAction.answer and turn.reply_message_id == reply["id"]
        assert [p["slug"] for p in turn.passages][0] == "withdrawal-times" and turn.confidence > 0.5

    async def test_an_article_missing_in_the_language_is_offered_in_the_default_one_and_marked(
            self, client, db, casino):
        brand, channel, _teams = casino
        await unpublish(db, brand, "deposit-limits", "az")  # the demo has every language: take one down
        token = await widget_session(client, channel, locale="az")
        [reply] = await ask(client, db, token, "Depozit limiti qoymaq istəyirəm, çox oynayıram")
        # "deposit-limits" has no published Azerbaijani translation: the English one, labelled in Azerbaijani
        assert f"{HELP}/en/a/deposit-limits" in reply["body"]
        assert "Setting deposit limits (dil: ingilis)" in reply["body"]

    async def test_the_demo_facts_provider_tells_the_logged_in_player_about_their_withdrawal(
            self, client, db, casino):
        _brand, channel, _teams = casino
        token = await widget_session(client, channel, player_id="LS-20417", name="Anna Kowalska", locale="pl")
        [reply] = await ask(client, db, token, "kiedy dostanę moją wypłatę?")
        assert "Twoja wypłata 250,00\xa0€ przez Skrill została dziś zatwierdzona" in reply["body"]
        assert reply["body"].split("\n\n")[1] in article_text("withdrawal-times", "pl")  # the fact first
        other = await widget_session(client, channel, locale="pl")  # an anonymous visitor: no facts
        [reply] = await ask(client, db, other, "kiedy dostanę moją wypłatę?")
        assert "250" not in reply["body"]

    async def test_greeting_in_azerbaijani_and_finnish_by_one_word(self, client, db, casino):
        _brand, channel, _teams = casino
        token = await widget_session(client, channel, locale="en")
        [reply] = await ask(client, db, token, "salam")
        state = await state_of(db, reply["conversation_id"])
        assert state.language == "az" and state.last_intent == "greeting"
        assert "Lucky Star Casino" in reply["body"] and "Hello" not in reply["body"]

    async def test_two_close_intents_get_one_clarifying_question_then_an_answer(self, client, db, casino):
        _brand, channel, _teams = casino
        token = await widget_session(client, channel, locale="en")
        ambiguous = "payments"
        (top, p1), (runner_up, p2) = ranked(builtin_model(), ambiguous, "en")[:2]
        assert {top, runner_up} == {"payment_methods", "deposit_issue"} and p1 - p2 < CLARIFY_MARGIN, \
            "the model tells these apart now: pick another ambiguous message"
        [reply] = await ask(client, db, token, ambiguous)
        assert "Just to be sure I understand" in reply["body"]
        assert "“Payment methods”" in reply["body"] and "“Deposit issue”" in reply["body"]
        [second] = await ask(client, db, token, ambiguous)
        assert "Just to be sure" not in second["body"]  # never twice in a row
        async with db.transaction() as s:
            actions = list(await s.scalars(select(AssistantTurn.action).order_by(AssistantTurn.id)))
        assert actions[0] == TurnAction.clarify and actions[1] != TurnAction.clarify


class TestHandoff:
    async def test_asking_for_an_operator_hands_off_with_a_summary(self, client, db, casino):
        _brand, channel, _teams = casino
        token = await widget_session(client, channel, locale="en")
        [answer] = await ask(client, db, token, "where is my withdrawal")
        [reply] = await ask(client, db, token, "operator please")
        assert "passing you to a colleague" in reply["body"]
        state = await state_of(db, reply["conversation_id"])
        assert state.handed_off and state.reason == HandoffReason.asked_for_human
        assert state.summary["question"] == "operator please" and state.summary["language"] == "en"
        assert state.summary["intent"] == "talk_to_human"
        assert state.summary["said"][0] == answer["body"][:300] + "…" or state.summary["said"][0] == answer["body"]
        assert state.summary["articles"][0]["url"] == f"{HELP}/en/a/withdrawal-times"
        conversation = await conversation_of(db, reply["conversation_id"])
        assert conversation.team_id is None  # no team configured for this reason

    async def test_low_confidence_hands_off(self, client, db, casino):
        _brand, channel, _teams = casino
        token = await widget_session(client, channel, locale="en")
        vague = "and?"
        assert builtin_model().classify(vague, "en").confidence < builtin_model().handoff_below, \
            "the model is sure of this one now: pick another vague message"
        [reply] = await ask(client, db, token, vague)
        assert "passing you to a colleague" in reply["body"]
        state = await state_of(db, reply["conversation_id"])
        assert state.handed_off and state.reason == HandoffReason.low_confidence
        assert state.last_confidence < builtin_model().handoff_below

    async def test_a_question_about_something_else_gets_what_the_assistant_can_do(self, client, db, casino):
        _brand, channel, _teams = casino
        token = await widget_session(client, channel, locale="en")
        [reply] = await ask(client, db, token, "and then will it rain tomorrow in london?")
        state = await state_of(db, reply["conversation_id"])
        assert state.last_intent == "other" and not state.handed_off
        links = [line for line in reply["body"].splitlines() if f"{HELP}/en/a/" in line]
        assert links and all("/a/how-support-works" in line for line in links)

    async def test_nothing_in_the_knowledge_base_hands_off(self, client, db, casino):
        brand, channel, _teams = casino
        token = await widget_session(client, channel, locale="en")
        [reply] = await ask(client, db, token, "hmm")  # no words the search finds: the article written for "other"
        assert f"{HELP}/en/a/how-support-works" in reply["body"]
        await unpublish(db, brand, "how-support-works", "en")
        token = await widget_session(client, channel, locale="en")
        [reply] = await ask(client, db, token, "hmm")
        state = await state_of(db, reply["conversation_id"])
        assert state.handed_off and state.reason == HandoffReason.no_answer

    async def test_two_rejected_answers_hand_off(self, client, db, casino):
        _brand, channel, _teams = casino
        token = await widget_session(client, channel, locale="en")
        await ask(client, db, token, "where is my withdrawal")
        [sorry] = await ask(client, db, token, "that didn't help")
        assert "describe the problem in other words" in sorry["body"]
        state = await state_of(db, sorry["conversation_id"])
        assert state.rejections == 1 and not state.handed_off
        await ask(client, db, token, "how long does a withdrawal to skrill take")
        [reply] = await ask(client, db, token, "still didn't help!!")
        assert "I'm sorry I couldn't help" in reply["body"]
        state = await state_of(db, reply["conversation_id"])
        assert state.handed_off and state.reason == HandoffReason.rejected_answers and state.rejections == 2
        async with db.transaction() as s:
            rejected = list(await s.scalars(select(AssistantTurn.rejected).where(
                AssistantTurn.action == TurnAction.answer).order_by(AssistantTurn.id)))
        assert rejected == [True, True]

    async def test_two_thumbs_down_in_the_widget_hand_off(self, client, db, casino):
        _brand, channel, _teams = casino
        token = await widget_session(client, channel, locale="fi")
        auth = {"Authorization": f"Bearer {token}"}
        [first] = await ask(client, db, token, "missä on kotiutukseni")
        r = await client.post(f"/api/widget/v1/messages/{first['id']}/rejection", headers=auth)
        assert r.status_code == 200 and r.json() == {"counted": True, "handed_off": False}
        again = await client.post(f"/api/widget/v1/messages/{first['id']}/rejection", headers=auth)
        assert again.json() == {"counted": False, "handed_off": False}  # the same answer counts once
        [second] = await ask(client, db, token, "kauanko kotiutus kestää")
        r = await client.post(f"/api/widget/v1/messages/{second['id']}/rejection", headers=auth)
        assert r.json() == {"counted": True, "handed_off": True}
        messages = await history(client, token)
        assert messages[-1]["author_type"] == "assistant" and "kollega" in messages[-1]["body"].lower()
        state = await state_of(db, first["conversation_id"])
        assert state.reason == HandoffReason.rejected_answers

    async def test_thumbs_down_on_someone_elses_or_a_players_message_is_404(self, client, db, casino):
        _brand, channel, _teams = casino
        token = await widget_session(client, channel, locale="en")
        [reply] = await ask(client, db, token, "where is my withdrawal")
        stranger = await widget_session(client, channel, locale="en")
        r = await client.post(f"/api/widget/v1/messages/{reply['id']}/rejection",
                              headers={"Authorization": f"Bearer {stranger}"})
        assert r.status_code == 404
        own = (await history(client, token))[0]
        assert own["author_type"] == "player"
        r = await client.post(f"/api/widget/v1/messages/{own['id']}/rejection",
                              headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 404
        r = await client.post("/api/widget/v1/messages/99999999999999999999/rejection",
                              headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 422

    async def test_responsible_gambling_gets_tools_and_helplines_of_the_country_flagged_and_routed(
            self, client, db, casino):
        _brand, channel, teams = casino
        token = await widget_session(client, channel, player_id="LS-555", name="Jan", locale="pl")
        async with db.transaction() as s:
            player = await s.scalar(select(Player).where(Player.external_id == "LS-555"))
            player.country = "PL"
        [reply] = await ask(client, db, token, "Nie mogę przestać grać, chcę się wykluczyć")
        body = reply["body"]
        assert "801 889 880" in body and "Peluuri" not in body  # the player's country's helpline only
        assert f"{HELP}/pl/a/deposit-limits" in body  # the brand's tool
        assert "bonus" not in body.lower()
        conversation = await conversation_of(db, reply["conversation_id"])
        assert conversation.team_id == teams["Responsible gambling"] and conversation.priority == Priority.high
        assert "responsible-gambling" in await tags_of(db, conversation.id)
        state = await state_of(db, conversation.id)
        assert state.reason == HandoffReason.responsible_gambling

    async def test_account_security_gets_the_safety_steps_urgent_to_the_security_team(self, client, db, casino):
        _brand, channel, teams = casino
        token = await widget_session(client, channel, locale="en")
        [reply] = await ask(client, db, token, "someone logged into my account and changed my email")
        assert "change your password now" in reply["body"] and "two-factor" in reply["body"]
        conversation = await conversation_of(db, reply["conversation_id"])
        assert conversation.priority == Priority.urgent and conversation.team_id == teams["Security"]
        assert (await state_of(db, conversation.id)).reason == HandoffReason.account_security

    async def test_complaint_is_acknowledged_formally_and_routed_to_complaints(self, client, db, casino):
        _brand, channel, teams = casino
        token = await widget_session(client, channel, locale="ru")
        [reply] = await ask(client, db, token, "Я хочу подать официальную жалобу на ваше казино")
        conversation = await conversation_of(db, reply["conversation_id"])
        assert f"#{conversation.id}" in reply["body"] and "жалоб" in reply["body"]
        assert conversation.team_id == teams["Complaints"] and "complaint" in await tags_of(db, conversation.id)

    async def test_no_reply_after_a_hand_off_nor_once_an_agent_is_assigned(self, client, db, casino):
        _brand, channel, _teams = casino
        token = await widget_session(client, channel, locale="en")
        await ask(client, db, token, "operator please")
        queued = await jobs(db)
        assert await ask(client, db, token, "where is my withdrawal") == []
        assert await jobs(db) == queued  # not even queued

    async def test_a_retried_job_does_not_answer_twice(self, client, db, casino):
        from croupier.assistant.pipeline import respond

        _brand, channel, _teams = casino
        token = await widget_session(client, channel, locale="en")
        mine = await player_says(client, token, "where is my withdrawal")
        await run(db)
        await respond(db, mine["id"])
        assert [m["author_type"] for m in await history(client, token)] == ["player", "assistant"]


class TestGate:
    async def test_a_brand_without_the_assistant_gets_no_job(self, client, db):
        _brand, channel = await make_brand(db, slug="quiet")
        token = await widget_session(client, channel, locale="en")
        await player_says(client, token, "where is my withdrawal")
        assert await jobs(db) == 0

    async def test_an_assigned_conversation_gets_no_reply(self, client, db, casino):
        from croupier.models import Role
        from tests.factories import make_user

        brand, channel, _teams = casino
        agent = await make_user(db, "agent@lucky.test", Role.agent, [brand])
        token = await widget_session(client, channel, locale="en")
        first = await player_says(client, token, "hello")
        await run(db)
        async with db.transaction() as s:
            (await s.get(Conversation, first["conversation_id"])).assignee_id = agent.id
        await player_says(client, token, "where is my withdrawal")
        await run(db)
        assert [m["author_type"] for m in await history(client, token)] == ["player", "assistant", "player"]
        async with db.transaction() as s:
            assert await s.scalar(select(func.count()).select_from(AssistantTurn)) == 1
            assert (await s.scalar(select(func.count()).select_from(Job).where(Job.kind == RESPOND_JOB))) == 1


class TestSafety:
    async def test_a_card_number_is_redacted_in_the_turn_and_never_repeated(self, client, db, casino):
        _brand, channel, _teams = casino
        token = await widget_session(client, channel, locale="en")
        replies = await ask(client, db, token, "my card 4111 1111 1111 1111 was charged but the deposit is not there")
        assert replies and all("4111 1111 1111 1111" not in r["body"] for r in replies)
        async with db.transaction() as s:
            turn = await s.scalar(select(AssistantTurn))
            state = await s.get(AssistantState, turn.conversation_id)
        assert "4111 1111 1111 1111" not in turn.text and "1111" in turn.text  # the last four stay
        assert state.summary is None or "4111 1111 1111 1111" not in str(state.summary)
