"""Phrasing through an OpenAI-compatible endpoint (a local stand-in speaking the chat-completions wire
format): the request it receives, the reply used with its sources, and every way back to None."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from croupier.assistant import llm
from croupier.config import get_settings
from tests.assistant.chat_peer import ChatApi, chat_api


@dataclass(frozen=True)
class Passage:
    title: str
    text: str
    url: str


PASSAGES = [
    Passage("Wypłaty", "Wypłaty kartą trwają do 24 godzin od akceptacji.", "http://help.test/pl/a/wyplaty"),
    Passage("Weryfikacja", "Przed pierwszą wypłatą prosimy o dokument tożsamości.", "http://help.test/pl/a/kyc"),
]
ASK = {"question": "Kiedy dostanę wypłatę? Moja karta 4242 4242 4242 4242", "language": "pl", "passages": PASSAGES,
       "draft": "Wypłaty kartą trwają do 24 godzin."}


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[ChatApi]:
    with chat_api() as server:
        monkeypatch.setenv("CROUPIER_LLM_BASE_URL", server.url)
        monkeypatch.setenv("CROUPIER_LLM_API_KEY", "sk-test-123")
        monkeypatch.setenv("CROUPIER_LLM_MODEL", "casino-helper-1")
        monkeypatch.setenv("CROUPIER_LLM_TIMEOUT_SECONDS", "2")
        get_settings.cache_clear()
        yield server
    get_settings.cache_clear()


async def test_a_grounded_reply_comes_back_with_the_cited_articles(api: ChatApi) -> None:
    api.answer("Wypłata kartą trwa do 24 godzin od akceptacji [1], a przed pierwszą potrzebny jest dokument [2][1].")
    reply = await llm.phrase(**ASK)
    assert reply == ("Wypłata kartą trwa do 24 godzin od akceptacji, a przed pierwszą potrzebny jest dokument.\n\n"
                     "Więcej informacji:\n• http://help.test/pl/a/wyplaty\n• http://help.test/pl/a/kyc")
    [(body, headers)] = api.requests
    assert body["model"] == "casino-helper-1" and body["temperature"] == 0.2 and body["max_tokens"] > 0
    assert headers["authorization"] == "Bearer sk-test-123"
    system, user = body["messages"]
    assert system["role"] == "system" and user["role"] == "user"
    assert "Polish" in system["content"] and "(language code pl)" in system["content"]
    assert "ONLY from the numbered passages" in system["content"] and "password" in system["content"]
    assert "[1] Wypłaty\nWypłaty kartą trwają do 24 godzin od akceptacji." in user["content"]
    assert "[2] Weryfikacja\nPrzed pierwszą wypłatą" in user["content"]
    assert "Wypłaty kartą trwają do 24 godzin." in user["content"]
    assert "Kiedy dostanę wypłatę? Moja karta •••• 4242" in user["content"]
    assert "4242 4242 4242 4242" not in user["content"]


async def test_no_key_no_authorization_header(api: ChatApi, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CROUPIER_LLM_API_KEY", "")
    get_settings.cache_clear()
    api.answer("Do 24 godzin [1].")
    assert await llm.phrase(**ASK) is not None
    assert "authorization" not in api.requests[0][1]


async def test_off_without_a_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CROUPIER_LLM_BASE_URL", raising=False)
    get_settings.cache_clear()
    assert await llm.phrase(**ASK) is None
    get_settings.cache_clear()


@pytest.mark.parametrize("content", [
    "Podaj kod SMS, a sprawdzę wypłatę [1].",
    "Zwrócimy Ci pieniądze jeszcze dziś [1].",
    "Twoja karta 4242 4242 4242 4242 jest w porządku [2].",
], ids=["asks-for-a-code", "promises-money", "repeats-a-card"])
async def test_an_unsafe_reply_is_not_used(api: ChatApi, content: str) -> None:
    api.answer(content)
    assert await llm.phrase(**ASK) is None
    assert len(api.requests) == 1


@pytest.mark.parametrize("content", [
    "Wypłaty trwają do 24 godzin.", "Wypłaty trwają do 24 godzin [3].", "Wypłaty trwają do 24 godzin [0].",
    "Wypłaty trwają do 24 godzin [1, 5].", "", "   ", None,
], ids=["no-citation", "missing-passage", "passage-zero", "one-missing", "empty", "blank", "null"])
async def test_a_reply_without_valid_citations_or_content_is_not_used(api: ChatApi, content: str | None) -> None:
    api.answer(content)
    assert await llm.phrase(**ASK) is None


@pytest.mark.parametrize(("status", "body"), [
    (500, {"error": {"message": "internal", "type": "server_error"}}),
    (429, {"error": {"message": "Rate limit reached", "type": "requests", "code": "rate_limit_exceeded"}}),
    (401, {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}}),
    (200, b"{\"choices\": [{\"message\": {\"content\": \"Do 24 godzin [1]"),
    (200, b"<html>Bad gateway</html>"),
    (200, {"choices": []}),
    (200, {"choices": [{"message": {"content": ["Do 24 godzin [1]."]}}]}),
    (200, {"object": "chat.completion"}),
], ids=["500", "429", "401", "truncated-json", "html", "no-choices", "content-not-text", "no-choices-key"])
async def test_a_refusal_or_a_malformed_response_gives_none(api: ChatApi, status: int, body: object) -> None:
    api.status, api.body = status, body
    assert await llm.phrase(**ASK) is None
    assert len(api.requests) == 1


async def test_a_model_slower_than_the_timeout_gives_none(api: ChatApi) -> None:
    api.answer("Do 24 godzin [1].")
    api.delay = 3.0
    assert await llm.phrase(**ASK) is None
    assert len(api.requests) == 1


async def test_an_unreachable_endpoint_gives_none(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.servers import free_port

    monkeypatch.setenv("CROUPIER_LLM_BASE_URL", f"http://127.0.0.1:{free_port()}/v1")
    get_settings.cache_clear()
    assert await llm.phrase(**ASK) is None
    get_settings.cache_clear()


def test_citations() -> None:
    assert llm.cited("a [2] b [1] c [2, 1]", 2) == [2, 1]
    assert llm.cited("a [1] b [4]", 3) is None
    assert llm.cited("no citation", 3) is None
