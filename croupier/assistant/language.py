"""Language identification for player messages.

py3langid (its model ships inside the wheel), restricted to the languages Croupier supports, gives a
probability per language; the player's known language and the channel's locale multiply it as priors,
and a short list of in-domain words per language (greetings, thanks) boosts the language they belong
to. Long messages are decided by their text; one-word messages such as "salam" or "hei" lean on the
hints and priors. The supported languages and their hints are data: `data/languages.json`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
from py3langid.langid import MODEL_FILE, LanguageIdentifier

LANGUAGES_FILE = Path(__file__).resolve().parent / "data" / "languages.json"

# Multipliers of a language's probability. The player's own language outweighs the channel's locale.
PRIOR_WEIGHTS = (4.0, 2.0)
HINT_WEIGHT = 6.0
# With an in-domain language model, langid's probability is softened to this power before the product.
GENERAL_EXPONENT = 0.5

_WORD = re.compile(r"\w+")


@lru_cache
def language_table() -> dict[str, dict]:
    """{code: {"stemmer": snowball algorithm or None, "hints": [words]}} for every supported language."""
    return json.loads(LANGUAGES_FILE.read_text(encoding="utf-8"))


def supported_languages() -> tuple[str, ...]:
    return tuple(language_table())


def base_language(code: str | None) -> str | None:
    """'pl-PL', 'pl_PL' or 'PL' -> 'pl'; None or '' -> None."""
    if not code:
        return None
    return re.split(r"[-_]", code.strip(), maxsplit=1)[0].lower() or None


class LanguageDetector:
    def __init__(self, languages: Sequence[str]):
        self.languages = tuple(languages)
        self._identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        self._identifier.set_languages(list(self.languages))
        self._column = {code: self.languages.index(code) for code in self.languages}
        table = language_table()
        self._hints: dict[str, list[int]] = {}
        for code in self.languages:
            for word in table[code]["hints"]:
                self._hints.setdefault(word.lower(), []).append(self._column[code])

    def probabilities(self, text: str, priors: Sequence[str | None] = (),
                      domain: np.ndarray | None = None) -> np.ndarray:
        """Posterior over `self.languages`: langid's probability times the priors and the hints.

        `domain`: probabilities from a model trained on in-domain text (same order as `self.languages`).
        It is trusted more than langid, which never saw, say, Russian typed in Latin letters.
        """
        ranked = dict(self._identifier.rank(text))
        scores = np.array([ranked[code] for code in self.languages]) + 1e-6
        if domain is not None:
            scores = scores ** GENERAL_EXPONENT * domain
        for weight, prior in zip(PRIOR_WEIGHTS, priors, strict=False):
            column = self._column.get(base_language(prior) or "")
            if column is not None:
                scores[column] *= weight
        for word in _WORD.findall(text.lower()):
            for column in self._hints.get(word, ()):
                scores[column] *= HINT_WEIGHT
        return scores / scores.sum()

    def detect(self, text: str, priors: Sequence[str | None] = (), domain: np.ndarray | None = None) -> str:
        """The most likely language of `text`; `priors` are the player's language, then the channel's locale."""
        if not _WORD.search(text):
            for prior in priors:
                if base_language(prior) in self._column:
                    return base_language(prior)
        return self.languages[int(np.argmax(self.probabilities(text, priors, domain)))]


@lru_cache
def default_detector() -> LanguageDetector:
    return LanguageDetector(supported_languages())


def detect_language(text: str, priors: Sequence[str | None] = ()) -> str:
    """ISO 639-1 code of `text` among the supported languages.

    `priors`: the player's known language and the channel's locale (either may be None), strongest first.
    """
    return default_detector().detect(text, priors)
