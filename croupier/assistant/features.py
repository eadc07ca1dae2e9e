"""Text features: TF-IDF of stemmed word uni- and bigrams plus TF-IDF of character 2-5-grams.

Words are stemmed with the Snowball stemmer named for the message's language in
`data/languages.json` (none for a language without one). Character n-grams are taken inside each
word padded with spaces, on a folded copy of the text (lower case, diacritics and dotless i
removed), so "wyplata" and "wypłata", "cixaris" and "çıxarış" share most of their features:
players often type without diacritics.

Weights are sublinear TF (1 + ln count) times smoothed IDF (ln((1 + n) / (1 + df)) + 1), each block
L2-normalised: the usual TF-IDF, written here with numpy and scipy.sparse alone so that a loaded
model needs no machine-learning library in memory.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
import scipy.sparse as sp
import Stemmer

from croupier.assistant.language import language_table

WORD_NGRAMS = 2
CHAR_NGRAMS = (2, 5)
CHAR_MIN_DF = 2

_WORD = re.compile(r"\w+")
_FOLD = str.maketrans({"ı": "i", "ə": "e", "ł": "l", "ß": "ss", "ё": "е"})


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache
def _stemmer(language: str | None) -> Stemmer.Stemmer | None:
    entry = language_table().get(language or "")
    return Stemmer.Stemmer(entry["stemmer"]) if entry and entry.get("stemmer") else None


def word_grams(text: str, language: str | None) -> list[str]:
    words = _WORD.findall(text.lower())
    stemmer = _stemmer(language)
    if stemmer:
        words = stemmer.stemWords(words)
    grams = list(words)
    for n in range(2, WORD_NGRAMS + 1):
        grams += [" ".join(words[i:i + n]) for i in range(len(words) - n + 1)]
    return grams


def char_grams(text: str) -> list[str]:
    low, high = CHAR_NGRAMS
    grams = []
    for word in fold(text).split():
        padded = f" {word} "
        for n in range(low, min(high, len(padded)) + 1):
            grams += [padded[i:i + n] for i in range(len(padded) - n + 1)]
    return grams


class Block:
    """One TF-IDF block: a vocabulary (term -> column) and the IDF of each column."""

    def __init__(self, terms: Sequence[str], idf: np.ndarray):
        self.terms = list(terms)
        self.index = {term: column for column, term in enumerate(self.terms)}
        self.idf = idf.astype(np.float32)

    @classmethod
    def fit(cls, documents: Sequence[list[str]], min_df: int = 1) -> Block:
        df = Counter(term for grams in documents for term in set(grams))
        terms = sorted(term for term, count in df.items() if count >= min_df)
        counts = np.array([df[t] for t in terms], dtype=np.float64)
        return cls(terms, np.log((1 + len(documents)) / (1 + counts)) + 1)

    def transform(self, documents: Iterable[list[str]]) -> sp.csr_matrix:
        indptr, indices, data = [0], [], []
        for grams in documents:
            counts = Counter(self.index[g] for g in grams if g in self.index)
            columns = np.fromiter(counts.keys(), dtype=np.int32, count=len(counts))
            weights = (1 + np.log(np.fromiter(counts.values(), dtype=np.float32, count=len(counts)))) * self.idf[columns]
            norm = np.sqrt((weights * weights).sum())
            indices.append(columns)
            data.append(weights / norm if norm else weights)
            indptr.append(indptr[-1] + len(columns))
        return sp.csr_matrix((np.concatenate(data) if data else np.zeros(0, np.float32),
                              np.concatenate(indices) if indices else np.zeros(0, np.int32), indptr),
                             shape=(len(indptr) - 1, len(self.terms)), dtype=np.float32)


class TextFeatures:
    def __init__(self, words: Block, chars: Block):
        self.words = words
        self.chars = chars

    @classmethod
    def fit(cls, texts: Sequence[str], languages: Sequence[str | None]) -> tuple[TextFeatures, sp.csr_matrix]:
        words = [word_grams(t, lang) for t, lang in zip(texts, languages, strict=True)]
        chars = [char_grams(t) for t in texts]
        features = cls(Block.fit(words), Block.fit(chars, CHAR_MIN_DF))
        return features, sp.hstack([features.words.transform(words), features.chars.transform(chars)], format="csr")

    def transform(self, texts: Sequence[str], languages: Sequence[str | None]) -> sp.csr_matrix:
        words = self.words.transform(word_grams(t, lang) for t, lang in zip(texts, languages, strict=True))
        return sp.hstack([words, self.char_block(texts)], format="csr")

    def char_block(self, texts: Sequence[str]) -> sp.csr_matrix:
        """The character n-grams alone: they do not depend on the language, so they can tell it."""
        return self.chars.transform(char_grams(t) for t in texts)

    @property
    def n_chars(self) -> int:
        return len(self.chars.terms)

    def vocabularies(self) -> dict[str, list[str]]:
        return {"words": self.words.terms, "chars": self.chars.terms}

    def idf(self) -> dict[str, np.ndarray]:
        return {"word_idf": self.words.idf, "char_idf": self.chars.idf}

    @classmethod
    def restore(cls, vocabularies: dict[str, list[str]], arrays: dict[str, np.ndarray]) -> TextFeatures:
        return cls(Block(vocabularies["words"], arrays["word_idf"]), Block(vocabularies["chars"], arrays["char_idf"]))


