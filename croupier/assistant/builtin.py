"""The built-in casino-support model: trained from `data/casino_train.jsonl` at first use, then cached.

The trained model is kept in CROUPIER_DATA_DIR/assistant/builtin-<key>/, where the key hashes the
training phrases, the language table and the model format: editing any of them retrains once; a
lock makes concurrent workers train it only once. Nothing trained is committed to the repository.
"""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from croupier.assistant.examples import read_examples
from croupier.assistant.intents import MODEL_FORMAT, IntentModel
from croupier.assistant.language import LANGUAGES_FILE
from croupier.config import get_settings
from croupier.intents import INTENTS

DATA = Path(__file__).resolve().parent / "data"
TRAINING_FILE = DATA / "casino_train.jsonl"
HELDOUT_FILE = DATA / "casino_heldout.jsonl"


def builtin_model_dir(data_dir: Path) -> Path:
    digest = hashlib.sha256(f"format {MODEL_FORMAT}\n".encode())
    for source in (TRAINING_FILE, LANGUAGES_FILE):
        digest.update(source.read_bytes())
    return data_dir / "assistant" / f"builtin-{digest.hexdigest()[:16]}"


def load_or_train(data_dir: Path) -> IntentModel:
    directory = builtin_model_dir(data_dir)
    if (directory / "model.json").exists():
        return IntentModel.load(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    with (directory.parent / "train.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (directory / "model.json").exists():  # another process trained it while we waited
            return IntentModel.load(directory)
        model = IntentModel.train(read_examples(TRAINING_FILE, INTENTS))
        staging = Path(tempfile.mkdtemp(prefix=".training-", dir=directory.parent))
        model.save(staging)
        staging.rename(directory)
        for stale in directory.parent.glob("builtin-*"):
            if stale != directory:
                shutil.rmtree(stale, ignore_errors=True)
    return model


@lru_cache
def builtin_model() -> IntentModel:
    """The casino-support model for this installation (trains it on first use, about a few seconds)."""
    return load_or_train(get_settings().data_dir)
