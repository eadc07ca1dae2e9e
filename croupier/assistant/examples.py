"""Labelled examples in JSON lines: {"text": ..., "intent": ..., "language": ISO 639-1 (optional)}."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from croupier.assistant.language import supported_languages


class ExamplesError(ValueError):
    """A training or evaluation file that cannot be used, with the line at fault."""


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    language: str | None = None


def read_examples(path: Path, intents: Collection[str] | None = None) -> list[Example]:
    """Every example in `path`; blank lines are skipped.

    `intents`, when given, are the only labels allowed (the SPEC taxonomy, or the labels a model knows).
    Raises ExamplesError naming the file and line of the first bad one.
    """
    languages = supported_languages()
    examples = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ExamplesError(f"{path}: cannot read: {exc}") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ExamplesError(f"{where}: not valid JSON ({exc.msg})") from exc
        if not isinstance(row, dict):
            raise ExamplesError(f"{where}: expected a JSON object with \"text\" and \"intent\"")
        text, intent, language = row.get("text"), row.get("intent"), row.get("language")
        if not isinstance(text, str) or not text.strip():
            raise ExamplesError(f"{where}: \"text\" must be a non-empty string")
        if not isinstance(intent, str) or not intent:
            raise ExamplesError(f"{where}: \"intent\" must be a non-empty string")
        if intents is not None and intent not in intents:
            raise ExamplesError(f"{where}: unknown intent {intent!r} (known: {', '.join(sorted(intents))})")
        if language is not None and language not in languages:
            raise ExamplesError(f"{where}: unsupported language {language!r} (supported: {', '.join(languages)})")
        examples.append(Example(text, intent, language))
    if not examples:
        raise ExamplesError(f"{path}: no examples")
    return examples
