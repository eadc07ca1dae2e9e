"""Accuracy of an intent model on labelled examples: overall, per language and intent, confusions.

The model detects each message's language itself (no priors) and classifies in that language, as
it would in production. Examples labelled `oos` (CLINC150's out-of-scope queries) are scored apart:
they count as caught when the model says `oos` or hands off.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from croupier.assistant.examples import Example
from croupier.assistant.intents import IntentModel

OUT_OF_SCOPE = "oos"
CALIBRATION_BINS = 10


@dataclass
class Tally:
    correct: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.correct += ok
        self.total += 1

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


@dataclass
class Report:
    intent: Tally = field(default_factory=Tally)
    language: Tally = field(default_factory=Tally)
    per_language: dict[str, Tally] = field(default_factory=dict)
    per_intent: dict[str, Tally] = field(default_factory=dict)
    out_of_scope: Tally = field(default_factory=Tally)
    confusions: Counter = field(default_factory=Counter)
    handoffs: int = 0
    calibration_error: float = 0.0

    def as_dict(self, top: int = 20) -> dict:
        return {
            "examples": self.intent.total + self.out_of_scope.total,
            "accuracy": round(self.intent.accuracy, 4),
            "language_accuracy": round(self.language.accuracy, 4) if self.language.total else None,
            "per_language": {k: _tally(v) for k, v in sorted(self.per_language.items())},
            "per_intent": {k: _tally(v) for k, v in sorted(self.per_intent.items())},
            "out_of_scope_recall": round(self.out_of_scope.accuracy, 4) if self.out_of_scope.total else None,
            "handoff_rate": round(self.handoffs / max(1, self.intent.total + self.out_of_scope.total), 4),
            "calibration_error": round(self.calibration_error, 4),
            "confusions": [{"intent": t, "predicted": p, "count": n} for (t, p), n in self.confusions.most_common(top)],
        }


def evaluate(model: IntentModel, examples: Sequence[Example]) -> Report:
    texts = [e.text for e in examples]
    detected = [model.detect_language(t) for t in texts]
    results = model.classify_many(texts, detected)
    report = Report()
    confidences, hits = [], []
    for example, language, result in zip(examples, detected, results, strict=True):
        report.handoffs += result.handoff
        if example.language:
            report.language.add(language == example.language)
        if example.intent == OUT_OF_SCOPE:
            report.out_of_scope.add(result.intent == OUT_OF_SCOPE or result.handoff)
            continue
        ok = result.intent == example.intent
        report.intent.add(ok)
        report.per_language.setdefault(example.language or language, Tally()).add(ok)
        report.per_intent.setdefault(example.intent, Tally()).add(ok)
        if not ok:
            report.confusions[(example.intent, result.intent)] += 1
        confidences.append(result.confidence)
        hits.append(ok)
    report.calibration_error = expected_calibration_error(np.array(confidences), np.array(hits, dtype=float))
    return report


def expected_calibration_error(confidences: np.ndarray, hits: np.ndarray) -> float:
    """Mean |accuracy - confidence| over equal-width confidence bins, weighted by their size."""
    if not len(confidences):
        return 0.0
    bins = np.minimum((confidences * CALIBRATION_BINS).astype(int), CALIBRATION_BINS - 1)
    error = 0.0
    for b in np.unique(bins):
        mask = bins == b
        error += mask.sum() * abs(hits[mask].mean() - confidences[mask].mean())
    return float(error / len(confidences))


def render(report: Report, top: int = 20) -> str:
    """The report as text for people."""
    d = report.as_dict(top)
    lines = [f"intent accuracy: {_pct(report.intent)} on {report.intent.total} examples"]
    if report.language.total:
        lines.append(f"language identification: {_pct(report.language)}")
    if report.out_of_scope.total:
        lines.append(f"out-of-scope recall (oos or hand-off): {_pct(report.out_of_scope)}")
    lines.append(f"hand-off rate: {d['handoff_rate']:.2%}   calibration error (ECE): {d['calibration_error']:.3f}")
    for title, tallies in (("per language", report.per_language), ("per intent", report.per_intent)):
        lines.append(f"{title}:")
        lines += [f"  {name:<24} {_pct(t)}  ({t.correct}/{t.total})" for name, t in sorted(tallies.items())]
    lines.append("confusion pairs (intent -> predicted: count):")
    lines += [f"  {c['intent']} -> {c['predicted']}: {c['count']}" for c in d["confusions"]] or ["  none"]
    return "\n".join(lines)


def _tally(t: Tally) -> dict:
    return {"accuracy": round(t.accuracy, 4), "correct": t.correct, "total": t.total}


def _pct(t: Tally) -> str:
    return f"{t.accuracy:.2%}"
