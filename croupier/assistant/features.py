"""Text features: TF-IDF of stemmed word uni- and bigrams plus TF-IDF of character 2-5-grams.

Words are stemmed with the Snowball stemmer named for the message's language in
`data/languages.json` (none for a language without one). Character n-grams are taken within word
boundaries on a folded copy of the text (lower case, diacritics and dotless i removed), so
"wyplata" and "wypłata", "cixaris" and "çıxarış" share most of their features: players often
type without diacritics.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import scipy.sparse as sp
import Stemmer
from sklearn.feature_extraction.text import TfidfVectorizer

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


def stemmed_words(text: str, language: str | None) -> tuple[str, ...]:
    words = _WORD.findall(text.lower())
    stemmer = _stemmer(language)
    return tuple(stemmer.stemWords(words)) if stemmer else tuple(words)


def word_ngrams(words: tuple[str, ...]) -> list[str]:
    grams = list(words)
    for n in range(2, WORD_NGRAMS + 1):
        grams += [" ".join(words[i:i + n]) for i in range(len(words) - n + 1)]
    return grams


def _word_vectorizer(vocabulary: list[str] | None = None) -> TfidfVectorizer:
    return TfidfVectorizer(analyzer=word_ngrams, sublinear_tf=True, vocabulary=vocabulary, dtype=np.float32)


def _char_vectorizer(vocabulary: list[str] | None = None) -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, lowercase=False, sublinear_tf=True,
                           min_df=1 if vocabulary else CHAR_MIN_DF, vocabulary=vocabulary, dtype=np.float32)


class TextFeatures:
    def __init__(self, words: TfidfVectorizer, chars: TfidfVectorizer):
        self.words = words
        self.chars = chars

    @classmethod
    def fit(cls, texts: Sequence[str], languages: Sequence[str | None]) -> tuple[TextFeatures, sp.csr_matrix]:
        features = cls(_word_vectorizer(), _char_vectorizer())
        words = features.words.fit_transform([stemmed_words(t, lang) for t, lang in zip(texts, languages, strict=True)])
        chars = features.chars.fit_transform([fold(t) for t in texts])
        return features, sp.hstack([words, chars], format="csr")

    def transform(self, texts: Sequence[str], languages: Sequence[str | None]) -> sp.csr_matrix:
        words = self.words.transform([stemmed_words(t, lang) for t, lang in zip(texts, languages, strict=True)])
        return sp.hstack([words, self.char_block(texts)], format="csr")

    def char_block(self, texts: Sequence[str]) -> sp.csr_matrix:
        """The character n-grams alone: they do not depend on the language, so they can tell it."""
        return self.chars.transform([fold(t) for t in texts])

    @property
    def n_chars(self) -> int:
        return len(self.chars.vocabulary_)

    def vocabularies(self) -> dict[str, list[str]]:
        return {name: _by_index(vec.vocabulary_) for name, vec in (("words", self.words), ("chars", self.chars))}

    def idf(self) -> dict[str, np.ndarray]:
        return {"word_idf": self.words.idf_.astype(np.float32), "char_idf": self.chars.idf_.astype(np.float32)}

    @classmethod
    def restore(cls, vocabularies: dict[str, list[str]], arrays: dict[str, np.ndarray]) -> TextFeatures:
        words, chars = _word_vectorizer(vocabularies["words"]), _char_vectorizer(vocabularies["chars"])
        words.idf_, chars.idf_ = arrays["word_idf"], arrays["char_idf"]
        return cls(words, chars)


def _by_index(vocabulary: dict[str, int]) -> list[str]:
    ordered = [""] * len(vocabulary)
    for term, index in vocabulary.items():
        ordered[index] = term
    return ordered
