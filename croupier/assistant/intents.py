"""The intent model: text features -> calibrated intent, plus an in-domain language head.

`IntentModel.classify(text, language)` returns (intent, confidence, handoff). Confidence is the
calibrated probability of the predicted intent; a message is handed off when that is below the
model's `handoff_below`, or when its intent must reach a human at once (ESCALATED).

When the training examples carry languages, the model also learns which language a message is
in from its character n-grams (players write Russian in Latin letters, mix languages, use
slang), and `detect_language` multiplies that with the general detector's probabilities and the
priors.

A model trained with a sentence encoder (encoder.py) also feeds the message's embedding to the
intent classifier; loading such a model needs the encoder installed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from croupier.assistant.encoder import EncoderError, SentenceEncoder, encoder_named
from croupier.assistant.examples import Example
from croupier.assistant.features import TextFeatures
from croupier.assistant.language import default_detector
from croupier.assistant.linear import LinearHead

MODEL_FORMAT = 1
DEFAULT_C = 0.5
LANGUAGE_C = 1.0
DEFAULT_HANDOFF_BELOW = 0.5
# Asked for a human, or a responsible-gambling or fraud signal: handed off whatever the confidence.
ESCALATED: frozenset[str] = frozenset({"talk_to_human", "responsible_gambling", "account_security"})
ENCODER_WEIGHT = 4.0  # sentence embeddings against the two unit-length TF-IDF blocks (tuned on CLINC150 val)


class Classification(NamedTuple):
    intent: str
    confidence: float
    handoff: bool


class ModelError(ValueError):
    """A model directory that is missing, incomplete or of another format."""


class IntentModel:
    def __init__(self, features: TextFeatures, intents: LinearHead, languages: LinearHead | None,
                 handoff_below: float, encoder: SentenceEncoder | None = None):
        self.features = features
        self.encoder = encoder
        self.intents = intents
        self.languages = languages
        self.handoff_below = handoff_below
        self.detector = default_detector()
        self._language_columns = [] if languages is None else [
            self.detector.languages.index(code) for code in languages.classes]

    @classmethod
    def train(cls, examples: Sequence[Example], c: float = DEFAULT_C, handoff_below: float = DEFAULT_HANDOFF_BELOW,
              encoder: SentenceEncoder | None = None) -> IntentModel:
        detector = default_detector()
        texts = [e.text for e in examples]
        languages = [e.language or detector.detect(e.text) for e in examples]
        features, X = TextFeatures.fit(texts, languages)
        labelled = [i for i, e in enumerate(examples) if e.language]
        language_head = None
        if len({examples[i].language for i in labelled}) > 1:
            chars = X[labelled, X.shape[1] - features.n_chars:]
            language_head = LinearHead.fit(chars, [examples[i].language for i in labelled], LANGUAGE_C)
        intents = LinearHead.fit(_with_embeddings(X, encoder, texts), [e.intent for e in examples], c)
        return cls(features, intents, language_head, handoff_below, encoder)

    def detect_language(self, text: str, priors: Sequence[str | None] = ()) -> str:
        """ISO 639-1 code of `text`; `priors`: the player's known language, then the channel's locale."""
        return self.detector.detect(text, priors, self._domain_languages(text))

    def _domain_languages(self, text: str) -> np.ndarray | None:
        """The language head's probabilities in the detector's order (1/k for languages it never saw)."""
        if self.languages is None:
            return None
        domain = np.full(len(self.detector.languages), 1.0 / len(self.languages.classes))
        domain[self._language_columns] = self.languages.probabilities(self.features.char_block([text]))[0]
        return domain

    def classify(self, text: str, language: str | None = None) -> Classification:
        return self.classify_many([text], [language])[0]

    def intent_probabilities(self, texts: Sequence[str], languages: Sequence[str]) -> np.ndarray:
        """Calibrated probability of every intent (columns: `self.intents.classes`), one row per text.

        A text with no word or character n-gram the model knows gets every intent equally likely.
        """
        X = self.features.transform(texts, languages)
        probabilities = self.intents.probabilities(_with_embeddings(X, self.encoder, texts))
        probabilities[X.getnnz(axis=1) == 0] = 1.0 / len(self.intents.classes)
        return probabilities

    def classify_many(self, texts: Sequence[str], languages: Sequence[str | None]) -> list[Classification]:
        languages = [lang or self.detect_language(t) for t, lang in zip(texts, languages, strict=True)]
        probabilities = self.intent_probabilities(texts, languages)
        best = probabilities.argmax(axis=1)
        results = []
        for row, column in enumerate(best):
            intent, confidence = self.intents.classes[column], float(probabilities[row, column])
            results.append(Classification(intent, confidence,
                                          confidence < self.handoff_below or intent in ESCALATED))
        return results

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        heads = {"intent": self.intents} | ({"language": self.languages} if self.languages else {})
        meta = {
            "format": MODEL_FORMAT,
            "handoff_below": self.handoff_below,
            "encoder": self.encoder.name if self.encoder else None,
            "heads": {name: {"classes": h.classes, "temperature": h.temperature} for name, h in heads.items()},
        }
        arrays = self.features.idf()
        for name, head in heads.items():
            arrays[f"{name}_coef"], arrays[f"{name}_intercept"] = head.coef, head.intercept
        (directory / "model.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
        (directory / "vocabulary.json").write_text(json.dumps(self.features.vocabularies(), ensure_ascii=False),
                                                   encoding="utf-8")
        np.savez(directory / "weights.npz", **arrays)

    @classmethod
    def load(cls, directory: Path) -> IntentModel:
        try:
            meta = json.loads((directory / "model.json").read_text(encoding="utf-8"))
            if meta.get("format") != MODEL_FORMAT:
                raise ModelError(f"{directory}: model format {meta.get('format')!r}, expected {MODEL_FORMAT}: retrain it")
            vocabularies = json.loads((directory / "vocabulary.json").read_text(encoding="utf-8"))
            with np.load(directory / "weights.npz", allow_pickle=False) as npz:
                arrays = {name: npz[name] for name in npz.files}
        except (OSError, ValueError, KeyError) as exc:
            if isinstance(exc, ModelError):
                raise
            raise ModelError(f"{directory}: not a usable intent model ({exc})") from exc
        heads = {name: LinearHead(spec["classes"], arrays[f"{name}_coef"], arrays[f"{name}_intercept"],
                                  spec["temperature"]) for name, spec in meta["heads"].items()}
        try:
            encoder = encoder_named(meta.get("encoder"))
        except EncoderError as exc:
            raise ModelError(f"{directory}: {exc}") from exc
        return cls(TextFeatures.restore(vocabularies, arrays), heads["intent"], heads.get("language"),
                   meta["handoff_below"], encoder)


def _with_embeddings(X: sp.csr_matrix, encoder: SentenceEncoder | None, texts: Sequence[str]) -> sp.csr_matrix:
    if encoder is None:
        return X
    return sp.hstack([X, sp.csr_matrix(ENCODER_WEIGHT * encoder.encode(texts))], format="csr")
