"""What the assistant says: answers from knowledge-base passages (trimmed to a readable length, with links
to the help-centre articles it used), the clarifying question, the greeting and the apology; and the
detector of "that didn't help" in every supported language (`data/rejections.json`).

Every sentence is a gettext msgid written in the player's language."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import Locale

from croupier.config import get_settings
from croupier.intents import INTENTS
from croupier.kb.search import Hit
from croupier.kit import i18n

REJECTIONS_FILE = Path(__file__).resolve().parent / "data" / "rejections.json"
MAX_ANSWER_CHARS = 480
MAX_LINKS = 2
_MARKUP = re.compile(r"[*_`#>]+|\[([^\]]*)\]\([^)]*\)")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_NOT_WORD = re.compile(r"[^\w']+")


@dataclass(frozen=True)
class Reply:
    text: str
    passages: list[dict[str, Any]]  # what the turn records: the articles offered, with their links


def article_url(brand_slug: str, locale: str, slug: str) -> str:
    return f"{get_settings().base_url.rstrip('/')}/help/{brand_slug}/{locale}/a/{slug}"


def offered(hit: Hit, brand_slug: str) -> dict[str, Any]:
    """An article a turn offered, as the turn records it: which, in what language, and its link."""
    return {"article_id": hit.article_id, "slug": hit.slug, "locale": hit.locale, "title": hit.title,
            "heading": hit.heading, "fallback": hit.fallback, "url": article_url(brand_slug, hit.locale, hit.slug)}


def readable(text: str, limit: int = MAX_ANSWER_CHARS) -> str:
    """Passage text without Markdown markup, cut after the last whole sentence that fits in `limit`."""
    plain = " ".join(_MARKUP.sub(lambda m: m.group(1) or "", text).split())
    if len(plain) <= limit:
        return plain
    kept = ""
    for sentence in _SENTENCE_END.split(plain):
        if len(kept) + len(sentence) + 1 > limit:
            break
        kept = f"{kept} {sentence}".strip()
    return kept or plain[:limit].rsplit(" ", 1)[0] + "…"


def links(passages: Sequence[dict[str, Any]], language: str) -> str:
    """"Read more:" and one line per article; an article shown in another language says which."""
    lines = [i18n.gettext("Read more:", language)]
    for p in passages:
        title = p["title"]
        if p["fallback"]:
            title = i18n.gettext("%(title)s (in %(language)s)", language) % {
                "title": title, "language": Locale.parse(p["locale"]).get_display_name(language)}
        lines.append(f"• {title}: {p['url']}")
    return "\n".join(lines)


def articles_of(hits: Sequence[Hit], brand_slug: str) -> list[dict[str, Any]]:
    """The best passage of each of the first MAX_LINKS articles among `hits`."""
    seen: dict[int, dict[str, Any]] = {}
    for hit in hits:
        if hit.article_id not in seen:
            seen[hit.article_id] = offered(hit, brand_slug)
        if len(seen) == MAX_LINKS:
            break
    return list(seen.values())


def compose(best: Hit, hits: Sequence[Hit], facts: Sequence[str], language: str, brand_slug: str) -> Reply:
    """The answer: facts about the player first, then the `best` passage, then links to the articles."""
    used = articles_of([best, *hits], brand_slug)
    parts = [*facts, readable(best.text), links(used, language),
             i18n.gettext("If this doesn't help, just tell me and I'll find a colleague.", language)]
    return Reply("\n\n".join(p for p in parts if p), used)


def clarifying_question(first: str, second: str, language: str) -> str:
    return i18n.gettext("Just to be sure I understand: is your question about “%(first)s” or “%(second)s”?",
                        language) % {"first": i18n.gettext(INTENTS[first], language),
                                     "second": i18n.gettext(INTENTS[second], language)}


def greeting(brand_name: str, language: str) -> str:
    return i18n.gettext("Hello! I'm the %(brand)s assistant. What can I help you with?", language) % {
        "brand": brand_name}


def apology(language: str) -> str:
    return i18n.gettext("I'm sorry that didn't help. Could you describe the problem in other words? "
                        "If you prefer, ask for a colleague and one will take over.", language)


@lru_cache
def _rejection_phrases() -> tuple[str, ...]:
    table = json.loads(REJECTIONS_FILE.read_text(encoding="utf-8"))
    return tuple(sorted({_words(p) for phrases in table.values() for p in phrases}))


def _words(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", text.lower().replace("’", "'")).split())


def is_rejection(text: str) -> bool:
    """The player says the last answer did not help ("that didn't help", "nie pomogło", "ei auttanut" …)."""
    words = f" {_words(text)} "
    return any(f" {phrase} " in words for phrase in _rejection_phrases())
