"""Text analysis for knowledge-base search: Markdown to passages, passages to stemmed index terms.

Stemming uses the Snowball algorithms (PyStemmer) for every language Snowball covers, chosen by the
language's English name, so English, Russian, Polish and Finnish (and Turkish, German, ... when a brand
adds them) are stemmed without code changes. A language without a Snowball stemmer, such as Azerbaijani,
falls back to truncating each word to its first five letters: for agglutinative languages, whose words are
a stem followed by suffixes, that prefix is a stable stand-in for the stem (it is the classic baseline for
Turkish retrieval, where it does about as well as a real stemmer). Queries drop their function words
(stopwords-iso lists, where the language has one), which in a small knowledge base would otherwise
outweigh the words that matter.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import Stemmer
import stopwordsiso
from babel import Locale, UnknownLocaleError
from markdown_it import MarkdownIt

PREFIX_LENGTH = 5
MAX_TERM = 64
PASSAGE_WORDS = 160  # a section longer than this is split between paragraphs
_WORD = re.compile(r"\w+", re.UNICODE)
_parser = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
# Dotted and dotless i: Turkic languages lower-case I to ı and İ to i.
_TURKIC = {"az", "tr", "kk", "tt", "crh"}


@dataclass(frozen=True)
class Section:
    heading: str
    text: str


@lru_cache
def _stemmer(locale: str) -> Stemmer.Stemmer | None:
    try:
        name = Locale.parse(locale).english_name or ""
    except (UnknownLocaleError, ValueError):
        return None
    name = name.split(" (")[0].lower()
    return Stemmer.Stemmer(name) if name in Stemmer.algorithms() else None


def _fold(text: str, locale: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    if locale in _TURKIC:
        text = text.replace("I", "ı").replace("İ", "i")
    text = text.lower()
    if locale == "ru":
        text = text.replace("ё", "е")
    return text


def words(text: str, locale: str) -> list[str]:
    return _WORD.findall(_fold(text, locale))


@lru_cache
def _stopwords(locale: str) -> frozenset[str]:
    return frozenset(stopwordsiso.stopwords(locale)) if stopwordsiso.has_lang(locale) else frozenset()


def terms(text: str, locale: str) -> list[str]:
    """The index terms of `text` in `locale`, in order (repeats kept)."""
    return _stem(words(text, locale), locale)


def query_terms(text: str, locale: str) -> list[str]:
    """The distinct terms of a search query, without its function words ("how", "do", "my"), unless the
    query is made of nothing else."""
    found = words(text, locale)
    stop = _stopwords(locale)
    return list(dict.fromkeys(_stem([w for w in found if w not in stop] or found, locale)))


def _stem(found: list[str], locale: str) -> list[str]:
    stemmer = _stemmer(locale)
    stems = stemmer.stemWords(found) if stemmer else [w[:PREFIX_LENGTH] for w in found]
    return [s[:MAX_TERM] for s in stems if s]


def term_counts(text: str, locale: str) -> tuple[Counter[str], int]:
    found = terms(text, locale)
    return Counter(found), len(found)


def _inline_text(token: object) -> str:
    children = getattr(token, "children", None) or []
    parts = [c.content if c.type in ("text", "code_inline") else " " if c.type in ("softbreak", "hardbreak")
             else "" for c in children]
    return "".join(parts)


def sections(markdown: str) -> list[Section]:
    """The article's text under each heading, as plain text; long sections split between paragraphs."""
    out: list[Section] = []
    heading, blocks, in_heading = "", [], False

    def flush() -> None:
        chunk: list[str] = []
        for block in blocks:
            if chunk and sum(len(b.split()) for b in chunk) + len(block.split()) > PASSAGE_WORDS:
                out.append(Section(heading, "\n".join(chunk)))
                chunk = []
            chunk.append(block)
        if chunk:
            out.append(Section(heading, "\n".join(chunk)))

    for token in _parser.parse(markdown):
        if token.type == "heading_open":
            in_heading = True
        elif token.type == "heading_close":
            in_heading = False
        elif token.type == "inline" and in_heading:
            flush()
            heading, blocks = _inline_text(token).strip(), []
        elif token.type == "inline":
            text = _inline_text(token).strip()
            if text:
                blocks.append(text)
        elif token.type in ("fence", "code_block") and token.content.strip():
            blocks.append(token.content.strip())
    flush()
    return out
