"""`croupier assistant train | classify | evaluate`, run as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "assistant" / "tiny_train.jsonl"


def _cli(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CROUPIER_DATA_DIR": str(tmp_path / "data")}
    return subprocess.run([sys.executable, "-m", "croupier.cli", "assistant", *args], input=stdin, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("model") / "tiny"
    run = _cli(out.parent, "train", "--data", str(FIXTURE), "--out", str(out))
    assert run.returncode == 0, run.stderr
    assert "22 examples, 3 intents" in run.stdout
    return out


def _lines(tmp_path: Path, rows: list[object]) -> Path:
    path = tmp_path / "data.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    return path


class TestClassify:
    def test_one_json_object_per_line_and_blank_lines_answered_with_an_error(self, trained, tmp_path):
        run = _cli(tmp_path, "classify", "--model", str(trained),
                   stdin="gdzie jest moja wypłata\n\nwhere is my withdrawal\nsalam\n")
        assert run.returncode == 0, run.stderr
        out = [json.loads(line) for line in run.stdout.splitlines()]
        assert len(out) == 4 and out[1] == {"error": "empty message"}
        for row in (out[0], out[2], out[3]):
            assert set(row) == {"language", "intent", "confidence", "handoff"}
            assert 0.0 <= row["confidence"] <= 1.0 and isinstance(row["handoff"], bool)
        assert (out[0]["language"], out[0]["intent"]) == ("pl", "withdrawal_status")
        assert (out[2]["language"], out[2]["intent"]) == ("en", "withdrawal_status")
        assert (out[3]["language"], out[3]["intent"]) == ("az", "greeting")

    def test_priors_reach_the_language_detector(self, trained, tmp_path):
        run = _cli(tmp_path, "classify", "--model", str(trained), "--prior", "fi", stdin="!!!\n")
        assert json.loads(run.stdout)["language"] == "fi"

    def test_a_missing_model_is_a_clear_error(self, tmp_path):
        run = _cli(tmp_path, "classify", "--model", str(tmp_path / "nowhere"), stdin="hi\n")
        assert run.returncode == 2 and "not a usable intent model" in run.stderr

    def test_without_a_model_the_builtin_one_is_trained_once_and_cached(self, tmp_path):
        first = _cli(tmp_path, "classify", stdin="where is my withdrawal\n")
        assert first.returncode == 0, first.stderr
        assert set(json.loads(first.stdout)) == {"language", "intent", "confidence", "handoff"}
        [cached] = (tmp_path / "data" / "assistant").glob("builtin-*")
        stamp = (cached / "weights.npz").stat().st_mtime_ns
        again = _cli(tmp_path, "classify", stdin="hei\n")
        assert again.returncode == 0 and (cached / "weights.npz").stat().st_mtime_ns == stamp


class TestEvaluate:
    def test_reports_overall_per_language_per_intent_and_confusions(self, trained, tmp_path):
        data = _lines(tmp_path, [
            {"text": "where is my withdrawal", "intent": "withdrawal_status", "language": "en"},
            {"text": "gdzie jest moja wypłata", "intent": "withdrawal_status", "language": "pl"},
            {"text": "hei", "intent": "responsible_gambling", "language": "fi"},  # deliberately mislabelled
        ])
        run = _cli(tmp_path, "evaluate", "--data", str(data), "--model", str(trained), "--json")
        assert run.returncode == 0, run.stderr
        report = json.loads(run.stdout)
        assert report["accuracy"] == pytest.approx(2 / 3, abs=1e-3)
        assert report["per_language"]["fi"]["accuracy"] == 0.0 and report["per_language"]["pl"]["accuracy"] == 1.0
        assert report["per_intent"]["withdrawal_status"] == {"accuracy": 1.0, "correct": 2, "total": 2}
        assert report["confusions"] == [{"intent": "responsible_gambling", "predicted": "greeting", "count": 1}]
        assert report["language_accuracy"] == 1.0

        text = _cli(tmp_path, "evaluate", "--data", str(data), "--model", str(trained))
        assert "intent accuracy: 66.67%" in text.stdout and "responsible_gambling -> greeting: 1" in text.stdout

    def test_a_label_the_model_does_not_know_is_refused_with_its_line(self, trained, tmp_path):
        data = _lines(tmp_path, [{"text": "hi", "intent": "greeting"}, {"text": "bonus?", "intent": "bonus_terms"}])
        run = _cli(tmp_path, "evaluate", "--data", str(data), "--model", str(trained))
        assert run.returncode == 2 and f"{data}:2: unknown intent 'bonus_terms'" in run.stderr


class TestTrainRefusesBadData:
    @pytest.mark.parametrize(("rows", "message"), [
        ([{"text": "hi", "intent": "greeting"}, "", "{not json"], ":3: not valid JSON"),
        ([{"text": "hi", "intent": "greeting"}, {"text": "x", "intent": "weather"}], ":2: unknown intent 'weather'"),
        ([{"text": "", "intent": "greeting"}], ":1: \"text\" must be a non-empty string"),
        ([{"text": "hola", "intent": "greeting", "language": "es"}], ":1: unsupported language 'es'"),
        (["[1, 2]"], ":1: expected a JSON object"),
        ([""], "no examples"),
    ])
    def test_with_a_clear_error_and_no_model(self, tmp_path, rows, message):
        run = _cli(tmp_path, "train", "--data", str(_lines(tmp_path, rows)), "--out", str(tmp_path / "m"))
        assert run.returncode == 2 and message in run.stderr
        assert not (tmp_path / "m").exists()

    def test_labels_outside_the_taxonomy_need_any_intents(self, tmp_path):
        rows = [{"text": t, "intent": i} for t, i in [("wake me at 7", "alarm_set"), ("set an alarm", "alarm_set"),
                                                       ("play jazz", "play_music"), ("some music please", "play_music")]]
        run = _cli(tmp_path, "train", "--data", str(_lines(tmp_path, rows)), "--out", str(tmp_path / "m"),
                   "--any-intents")
        assert run.returncode == 0, run.stderr
        out = _cli(tmp_path, "classify", "--model", str(tmp_path / "m"), stdin="play music\n")
        assert json.loads(out.stdout)["intent"] == "play_music"
