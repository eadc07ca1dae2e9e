"""Every intent's calibrated probability for one message, best first: the assistant needs the runner-up
too, to ask which of two close intents the player meant (IntentModel.classify keeps only the best)."""

from __future__ import annotations

from croupier.assistant.intents import IntentModel


def ranked(model: IntentModel, text: str, language: str) -> list[tuple[str, float]]:
    row = model.intent_probabilities([text], [language])[0]
    return sorted(((str(c), float(p)) for c, p in zip(model.intents.classes, row, strict=True)),
                  key=lambda pair: -pair[1])
