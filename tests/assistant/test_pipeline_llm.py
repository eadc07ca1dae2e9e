"""The assistant's pipeline with a language model configured (a local stand-in speaking the chat-completions
wire format): the answer a player reads is the model's, grounded in the knowledge-base passages the
assistant retrieved, with those articles' addresses; when the model fails, the player still gets the
composed answer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from croupier.config import get_settings
from tests.assistant.chat_peer import ChatApi, chat_api
from tests.assistant.conversation import ask
from tests.factories import widget_session

HELP = "http://127.0.0.1:8000/help/lucky-star"
QUESTION = "Gdzie jest moja wypłata? Czekam od wczoraj, karta 4242 4242 4242 4242"


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> Iterator[ChatApi]:
    with chat_api() as server:
        monkeypatch.setenv("CROUPIER_LLM_BASE_URL", server.url)
        monkeypatch.setenv("CROUPIER_LLM_TIMEOUT_SECONDS", "2")
        get_settings.cache_clear()
        yield server
    get_settings.cache_clear()


async def test_the_player_reads_the_models_answer_with_the_cited_article(client, db, casino, model) -> None:
    _brand, channel, _teams = casino
    model.answer("Sprawdzamy każdą wypłatę w ciągu 24 godzin [1].")
    token = await widget_session(client, channel, locale="pl")
    [reply] = await ask(client, db, token, QUESTION)
    assert reply["body"].startswith("Sprawdzamy każdą wypłatę w ciągu 24 godzin.\n\nWięcej informacji:\n")
    assert f"• {HELP}/pl/a/withdrawal-times" in reply["body"]
    assert reply["body"].count("http") == 1  # the cited article once, not the composed answer's links again
    [(body, _headers)] = model.requests
    system, user = body["messages"]
    assert "Polish" in system["content"]
    assert "[1] " in user["content"] and "24" in user["content"]  # the retrieved passage, numbered
    assert "•••• 4242" in user["content"] and "4242 4242 4242 4242" not in user["content"]


async def test_an_unsafe_model_answer_is_replaced_by_the_composed_one(client, db, casino, model) -> None:
    _brand, channel, _teams = casino
    model.answer("Podaj nam hasło do konta, a wypłacimy pieniądze od razu [1].")
    token = await widget_session(client, channel, locale="pl")
    [reply] = await ask(client, db, token, QUESTION)
    assert "hasło" not in reply["body"] and "wypłacimy" not in reply["body"]
    assert f"{HELP}/pl/a/withdrawal-times" in reply["body"] and len(model.requests) == 1


async def test_a_failing_model_leaves_the_composed_answer(client, db, casino, model) -> None:
    _brand, channel, _teams = casino
    model.status, model.body = 503, {"error": {"message": "overloaded"}}
    token = await widget_session(client, channel, locale="pl")
    [reply] = await ask(client, db, token, QUESTION)
    assert f"{HELP}/pl/a/withdrawal-times" in reply["body"] and "Więcej informacji:" in reply["body"]
