"""The assistant in the console: the panel beside a conversation, agents reviewing the predicted intent, the
supervisors' figures (checked against counts made here from the stored rows) and the training export."""

from __future__ import annotations

import html
import json
import re

import pytest
from sqlalchemy import select

from croupier.assistant.examples import read_examples
from croupier.intents import INTENTS
from croupier.models import AssistantState, AuthorType, IntentReview, Message, Role, User
from tests.assistant.conversation import ask
from tests.factories import console_session, make_user, widget_session


@pytest.fixture
async def world(client, db, casino):
    """Four conversations: an English answer, a Polish answer an agent also replied to, a Polish request for a
    person and a Finnish account-security report; the agent and supervisor of the brand."""
    brand, channel, _teams = casino
    ids = {}
    for key, locale, text in [("en", "en", "where is my withdrawal"),
                              ("pl", "pl", "gdzie jest moja wypłata"),
                              ("human", "pl", "chcę rozmawiać z konsultantem"),
                              ("security", "fi", "joku kirjautui tililleni ja vaihtoi sähköpostini")]:
        token = await widget_session(client, channel, locale=locale)
        [reply] = await ask(client, db, token, text)
        ids[key] = reply["conversation_id"]
    agent = await make_user(db, "agent@lucky.test", Role.agent, [brand])
    supervisor = await make_user(db, "super@lucky.test", Role.supervisor, [brand])
    async with db.transaction() as s:
        s.add(Message(conversation_id=ids["pl"], author_type=AuthorType.agent, author_user_id=agent.id,
                      body="Sprawdzę to", is_private=False))
    return {"brand": brand, "ids": ids, "agent": agent, "supervisor": supervisor}


def row(page: str, attribute: str, value: str) -> list[str]:
    found = re.search(rf'<tr {attribute}="{value}">(.*?)</tr>', page, re.S)
    assert found, f"no row {attribute}={value}"
    return [html.unescape(c).strip() for c in re.findall(r'<td class="number"[^>]*>(.*?)</td>', found.group(1))]


def percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%"


class TestPanel:
    async def test_agent_sees_intent_confidence_and_the_hand_off_summary(self, client, db, world):
        await console_session(client, db, world["agent"])
        page = (await client.get(f"/console/conversations/{world['ids']['human']}")).text
        async with db.transaction() as s:
            state = await s.get(AssistantState, world["ids"]["human"])
        assert 'id="assistant-panel"' in page
        assert re.search(r'id="assistant-intent">Talk to a human<', page)
        assert f'id="assistant-confidence">{round(100 * state.last_confidence)}%<' in page
        assert "Handed off: Asked for a person" in page
        assert "chcę rozmawiać z konsultantem" in page  # what the player asked, in the summary
        answered = (await client.get(f"/console/conversations/{world['ids']['en']}")).text
        assert "The assistant is answering this conversation." in answered
        assert re.search(r'id="assistant-intent">Withdrawal status<', answered)

    async def test_panel_is_in_the_agents_language(self, client, db, world):
        async with db.transaction() as s:
            agent = await s.get(User, world["agent"].id)
            agent.locale = "pl"
        await console_session(client, db, world["agent"])
        page = (await client.get(f"/console/conversations/{world['ids']['security']}")).text
        assert "Przekazano: Bezpieczeństwo konta" in page and "Pewność" in page


class TestReviews:
    async def test_correcting_and_confirming_record_the_prediction_and_export_as_training_data(
            self, client, db, world, tmp_path):
        csrf = await console_session(client, db, world["agent"])
        en, pl = world["ids"]["en"], world["ids"]["pl"]
        r = await client.post(f"/console/conversations/{en}/assistant/intent",
                              data={"csrf_token": csrf, "intent": "payment_methods"}, headers={"HX-Request": "true"})
        assert r.status_code == 200 and "An agent corrected the intent (predicted: Withdrawal status)." in r.text
        r = await client.post(f"/console/conversations/{pl}/assistant/intent",
                              data={"csrf_token": csrf, "intent": "withdrawal_status"}, headers={"HX-Request": "true"})
        assert r.status_code == 200 and "An agent confirmed the intent." in r.text
        r = await client.post(f"/console/conversations/{pl}/assistant/intent",
                              data={"csrf_token": csrf, "intent": "no_such_intent"}, headers={"HX-Request": "true"})
        assert r.status_code == 400
        async with db.transaction() as s:
            reviews = {r.conversation_id: r for r in await s.scalars(select(IntentReview))}
        assert (reviews[en].predicted, reviews[en].intent, reviews[en].text) == (
            "withdrawal_status", "payment_methods", "where is my withdrawal")
        assert (reviews[pl].predicted, reviews[pl].intent, reviews[pl].language) == (
            "withdrawal_status", "withdrawal_status", "pl")

        await console_session(client, db, world["supervisor"])
        r = await client.get(f"/console/assistant/corrections.jsonl?brand={world['brand'].id}")
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-ndjson")
        lines = [json.loads(line) for line in r.text.splitlines()]
        assert lines == [{"text": "where is my withdrawal", "intent": "payment_methods", "language": "en"},
                         {"text": "gdzie jest moja wypłata", "intent": "withdrawal_status", "language": "pl"}]
        path = tmp_path / "corrections.jsonl"
        path.write_text(r.text, encoding="utf-8")
        assert [e.intent for e in read_examples(path, INTENTS)] == ["payment_methods", "withdrawal_status"]

    async def test_changing_the_intent_in_the_properties_records_a_review_too(self, client, db, world):
        csrf = await console_session(client, db, world["agent"])
        r = await client.post(f"/console/conversations/{world['ids']['en']}/update",
                              data={"csrf_token": csrf, "intent": "deposit_issue"}, headers={"HX-Request": "true"})
        assert r.status_code == 200
        async with db.transaction() as s:
            review = await s.scalar(select(IntentReview))
        assert (review.predicted, review.intent, review.user_id) == ("withdrawal_status", "deposit_issue",
                                                                      world["agent"].id)


class TestSupervisorPage:
    async def test_figures_per_language_match_the_stored_conversations(self, client, db, world):
        csrf = await console_session(client, db, world["agent"])
        await client.post(f"/console/conversations/{world['ids']['en']}/assistant/intent",
                          data={"csrf_token": csrf, "intent": "payment_methods"})
        await client.post(f"/console/conversations/{world['ids']['pl']}/assistant/intent",
                          data={"csrf_token": csrf, "intent": "withdrawal_status"})
        assert (await client.get("/console/assistant")).status_code == 403  # agents do not see it
        await console_session(client, db, world["supervisor"])
        page = (await client.get(f"/console/assistant?brand={world['brand'].id}&days=7")).text
        async with db.transaction() as s:
            states = list(await s.scalars(select(AssistantState)))
            agent_replied = set(await s.scalars(select(Message.conversation_id).where(
                Message.author_type == AuthorType.agent)))
            reviews = list(await s.scalars(select(IntentReview)))
        for language in ("en", "pl", "fi"):
            mine = [st for st in states if st.language == language]
            contained = [st for st in mine if not st.handed_off and st.conversation_id not in agent_replied]
            handed = [st for st in mine if st.handed_off]
            reviewed = [r for r in reviews if r.language == language]
            correct = [r for r in reviewed if r.predicted == r.intent]
            expected = [str(len(mine)), str(len(contained)), percent(len(contained), len(mine)), str(len(handed)),
                        str(len(reviewed)), percent(len(correct), len(reviewed)) if reviewed else "—"]
            assert row(page, "data-language", language) == expected, language
        # by hand, for this world: en 1/1 contained, accuracy 0%; pl 2 conversations, none contained, 100%
        assert row(page, "data-language", "en")[:3] == ["1", "1", "100%"]
        assert row(page, "data-language", "pl") == ["2", "0", "0%", "1", "1", "100%"]
        reasons = {st.reason.value for st in states if st.handed_off}
        assert reasons == {"asked_for_human", "account_security"}
        languages = re.findall(r'<tr data-language="(\w+)">', page)
        assert row(page, "data-reason", "account_security") == [
            "1" if code == "fi" else "0" for code in languages]
        assert row(page, "data-reason", "asked_for_human") == ["1" if code == "pl" else "0" for code in languages]

    async def test_a_bad_period_is_refused(self, client, db, world):
        await console_session(client, db, world["supervisor"])
        r = await client.get("/console/assistant?days=12")
        assert r.status_code == 400 and "days" in r.text
