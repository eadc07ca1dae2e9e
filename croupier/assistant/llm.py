"""Optional phrasing of an answer by a language model behind an OpenAI-compatible chat-completions endpoint
(`CROUPIER_LLM_BASE_URL`, off when empty), grounded in numbered knowledge-base passages it must cite.

The model gets the player's question (redacted), the passages and the answer the assistant would give
without it. Its reply is used only if it is safe (safety.check_reply) and cites at least one passage and
none that does not exist; otherwise, and on any network error, timeout, refusal or malformed response,
phrase() returns None and the assistant keeps its own answer.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from typing import Any, Protocol

import httpx
from babel import Locale, UnknownLocaleError

from croupier.assistant import safety
from croupier.config import get_settings
from croupier.kit import i18n

log = logging.getLogger(__name__)

MAX_TOKENS = 500
TEMPERATURE = 0.2
_CITATION = re.compile(r"\s*\[(\d+(?:\s*,\s*\d+)*)\]")

SYSTEM = """You are the support assistant of an online casino, answering a player in {language_name} \
(language code {language}).
Rules:
- Answer ONLY from the numbered passages below. If they do not answer the question, say so in one sentence \
and offer to pass the player to a colleague.
- Write in {language_name}, whatever language the passages are in.
- Cite the passages you used by number in square brackets, like [1] or [2], right after what they support.
- Never ask for a password, a card number, a CVV/CVC, a one-time, SMS or 2FA code, or a PIN, and never repeat one.
- Never promise money: no refunds, bonuses, credits, compensation or winnings that the passages do not state \
as a rule, and never a guaranteed win.
- Be brief and friendly: at most a few short paragraphs, no headings."""


class Passage(Protocol):
    """A knowledge-base passage: its article's title, its text and the article's public address."""

    @property
    def title(self) -> str: ...

    @property
    def text(self) -> str: ...

    @property
    def url(self) -> str: ...


def language_name(language: str) -> str:
    try:
        return Locale.parse(language).get_display_name("en") or language
    except (ValueError, UnknownLocaleError):
        return language


def messages(*, question: str, language: str, passages: Sequence[Passage], draft: str) -> list[dict[str, str]]:
    """The chat: the rules, then the numbered passages, the assistant's own draft and the question."""
    numbered = "\n\n".join(f"[{n}] {p.title}\n{p.text.strip()}" for n, p in enumerate(passages, 1))
    user = (f"Passages:\n\n{numbered}\n\nDraft answer built from the passages (improve it, keep it "
            f"correct):\n{draft.strip()}\n\nPlayer's question:\n{safety.redact(question).strip()}")
    return [{"role": "system", "content": SYSTEM.format(language=language, language_name=language_name(language))},
            {"role": "user", "content": user}]


def cited(text: str, count: int) -> list[int] | None:
    """The passage numbers `text` cites, in order of first citation; None when it cites none or one
    outside 1..count."""
    numbers: list[int] = []
    for match in _CITATION.finditer(text):
        for number in (int(n) for n in match.group(1).split(",")):
            if not 1 <= number <= count:
                return None
            if number not in numbers:
                numbers.append(number)
    return numbers or None


def with_sources(text: str, urls: Sequence[str], language: str) -> str:
    """`text` without its [n] markers, followed by the cited articles' addresses (each once)."""
    lines = [i18n.gettext("Read more:", language), *(f"• {url}" for url in dict.fromkeys(urls))]
    return _CITATION.sub("", text).strip() + "\n\n" + "\n".join(lines)


async def _completion(body: dict[str, Any]) -> str | None:
    settings = get_settings()
    headers = {"Authorization": f"Bearer {settings.llm_api_key}"} if settings.llm_api_key else {}
    url = f"{settings.llm_base_url.rstrip('/')}/chat/completions"
    try:
        async with asyncio.timeout(settings.llm_timeout_seconds), \
                httpx.AsyncClient(timeout=settings.llm_timeout_seconds) as client:
            response = await client.post(url, json=body, headers=headers)
        response.raise_for_status()
        content = response.json()["choices"][0]["message"]["content"]
    except (TimeoutError, httpx.HTTPError, ValueError, LookupError, TypeError) as error:
        log.warning("language model at %s unusable: %s", url, error.__class__.__name__)
        return None
    return content if isinstance(content, str) and content.strip() else None


async def phrase(*, question: str, language: str, passages: Sequence[Passage], draft: str) -> str | None:
    """The answer to `question` phrased by the configured model from `passages`, in `language`, with the
    addresses of the passages it cites; None when no model is configured or its reply is unusable."""
    settings = get_settings()
    if not settings.llm_base_url or not passages:
        return None
    content = await _completion({
        "model": settings.llm_model,
        "messages": messages(question=question, language=language, passages=passages, draft=draft),
        "temperature": TEMPERATURE,
        "max_tokens": MAX_TOKENS,
    })
    if content is None:
        return None
    numbers = cited(content, len(passages))
    if numbers is None:
        log.info("language model reply cites no passage or a missing one: not used")
        return None
    reasons = safety.check_reply(content, language)
    if reasons:
        log.warning("language model reply unsafe (%s): not used", ", ".join(reasons))
        return None
    return with_sources(content, [passages[n - 1].url for n in numbers], language)
