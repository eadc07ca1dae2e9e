"""Every intent's calibrated probability for one message, best first: the assistant needs the runner-up
too, to ask which of two close intents the player meant (IntentModel.classify keeps only the best)."""

from __future__ import annotations

from croupier.assistant.intents import IntentModel, _with_embeddings


def ranked(model: IntentModel, text: str, language: str) -> list[tuple[str, float]]:
    X = model.features.transform([text], [language])
    if X.getnnz() == 0:  # nothing the model knows: every intent equally likely, as classify() says
        share = 1.0 / len(model.intents.classes)
        return [(str(intent), share) for intent in model.intents.classes]
    row = model.intents.probabilities(_with_embeddings(X, model.encoder, [text]))[0]
    return sorted(((str(c), float(p)) for c, p in zip(model.intents.classes, row, strict=True)),
                  key=lambda pair: -pair[1])
