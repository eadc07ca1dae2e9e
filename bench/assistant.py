"""Assistant benchmark: intent accuracy on the public datasets and the casino held-out set, and speed.

Run: .venv/bin/python bench/assistant.py [--data ../shared/data]   (prints ONE JSON line; a few minutes)

Every model is trained on one core. Accuracy:
- casino: the built-in model (trained from croupier/assistant/data/casino_train.jsonl) on
  casino_heldout.jsonl: intent accuracy overall and per language, language identification (no priors);
- massive: per locale, trained on `train`, scored on `dev`;
- banking77: trained on 80% of `train`, scored on the other 20% (stratified, fixed seed: the test
  split is held back);
- clinc150: trained on `train` (with its 100 oos examples), scored on `val`: in-scope accuracy (right
  intent), the same counting a hand-off as a miss, and out-of-scope recall (predicted oos or handed off).
Speed, in a fresh process pinned to one core with the built-in model cached: load_s (model and language
detector), rss_mb after load and use, and p50/p99 latency of detect_language + classify per held-out
message, and messages per second.
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

from croupier.assistant.builtin import HELDOUT_FILE, TRAINING_FILE, load_or_train  # noqa: E402
from croupier.assistant.evaluation import evaluate  # noqa: E402
from croupier.assistant.examples import read_examples  # noqa: E402
from croupier.assistant.intents import IntentModel  # noqa: E402

MASSIVE_LOCALES = ("en-US", "ru-RU", "pl-PL", "az-AZ", "fi-FI")
LATENCY_ROUNDS = 3


def _percent(x: float) -> float:
    return round(100 * x, 2)


def casino(data_dir: Path) -> dict:
    model = load_or_train(data_dir)
    report = evaluate(model, read_examples(HELDOUT_FILE))
    return {"intent": _percent(report.intent.accuracy),
            "intent_per_language": {k: _percent(v.accuracy) for k, v in sorted(report.per_language.items())},
            "language_id": _percent(report.language.accuracy),
            "handoff_rate": _percent(report.as_dict()["handoff_rate"]),
            "train_examples": len(read_examples(TRAINING_FILE)), "heldout_examples": report.intent.total}


def massive(root: Path) -> dict:
    out = {}
    for locale in MASSIVE_LOCALES:
        model = IntentModel.train(read_examples(root / "massive" / locale / "train.jsonl"))
        out[locale] = _percent(evaluate(model, read_examples(root / "massive" / locale / "dev.jsonl")).intent.accuracy)
    return out


def banking77(root: Path) -> float:
    from sklearn.model_selection import train_test_split

    examples = read_examples(root / "banking77" / "train.jsonl")
    train, test = train_test_split(examples, test_size=0.2, random_state=0, stratify=[e.intent for e in examples])
    return _percent(evaluate(IntentModel.train(train), test).intent.accuracy)


def clinc150(root: Path) -> dict:
    model = IntentModel.train(read_examples(root / "clinc150" / "train.jsonl"))
    val = read_examples(root / "clinc150" / "val.jsonl")
    report = evaluate(model, val)
    in_scope = [e for e in val if e.intent != "oos"]
    kept = sum(r.intent == e.intent and not r.handoff
               for e, r in zip(in_scope, model.classify_many([e.text for e in in_scope], ["en"] * len(in_scope)),
                               strict=True))
    return {"in_scope": _percent(report.intent.accuracy), "in_scope_not_handed_off": _percent(kept / len(in_scope)),
            "oos_recall": _percent(report.out_of_scope.accuracy), "handoff_below": model.handoff_below}


def speed(data_dir: Path) -> dict:
    """Run in a fresh process: load the cached built-in model, then time every held-out message."""
    import resource

    import numpy as np

    texts = [e.text for e in read_examples(HELDOUT_FILE)]
    started = time.perf_counter()
    model = load_or_train(data_dir)
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
            "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--speed-only", metavar="DATA_DIR", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.speed_only:
        print(json.dumps(speed(args.speed_only)))
        return
    result: dict = {"bench": "assistant"}
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        started = time.perf_counter()
        result["casino"] = casino(data_dir)
        result["casino"]["train_s"] = round(time.perf_counter() - started, 1)
        child = subprocess.run([sys.executable, __file__, "--speed-only", str(data_dir)], capture_output=True,
                               text=True, check=True)
        result |= json.loads(child.stdout)
    if args.data.is_dir():
        result["massive_dev"] = massive(args.data)
        result["banking77_train_slice"] = banking77(args.data)
        result["clinc150_val"] = clinc150(args.data)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
