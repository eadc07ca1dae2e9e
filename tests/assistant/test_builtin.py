"""The built-in casino-support model, trained from the repository's phrases into the data directory."""

from __future__ import annotations

import re

import pytest

from croupier.assistant.builtin import HELDOUT_FILE, TRAINING_FILE, builtin_model_dir, load_or_train
from croupier.assistant.evaluation import evaluate
from croupier.assistant.examples import read_examples
from croupier.intents import INTENTS


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="module")
def model(data_dir):
    return load_or_train(data_dir)


class TestBuiltinModel:
    def test_knows_every_taxonomy_intent_and_all_five_languages(self, model):
        assert sorted(model.intents.classes) == sorted(INTENTS)
        assert sorted(model.languages.classes) == ["az", "en", "fi", "pl", "ru"]

    def test_is_cached_under_a_key_of_its_training_data_and_reloaded(self, model, data_dir):
        directory = builtin_model_dir(data_dir)
        assert (directory / "model.json").exists()
        again = load_or_train(data_dir)
        assert again is not model and again.intents.classes == model.intents.classes
        first, second = model.classify("где мой вывод", "ru"), again.classify("где мой вывод", "ru")
        assert first.intent == second.intent == "withdrawal_status"
        assert first.confidence == pytest.approx(second.confidence, abs=1e-5)

    def test_editing_the_training_phrases_changes_the_cache_key(self, data_dir, tmp_path, monkeypatch):
        from croupier.assistant import builtin

        phrases = tmp_path / "casino_train.jsonl"
        phrases.write_bytes(builtin.TRAINING_FILE.read_bytes())
        monkeypatch.setattr(builtin, "TRAINING_FILE", phrases)
        before = builtin_model_dir(data_dir)
        phrases.write_text(phrases.read_text(encoding="utf-8") + '{"text": "hei taas", "intent": "greeting"}\n',
                           encoding="utf-8")
        assert builtin_model_dir(data_dir) != before

    def test_held_out_phrases_floor(self, model):
        # Floors under the measured figures (README, Benchmarks): a regression guard, not the target.
        report = evaluate(model, read_examples(HELDOUT_FILE))
        assert report.intent.accuracy >= 0.95 and report.language.accuracy >= 0.99
        assert all(t.accuracy >= 0.94 for t in report.per_language.values())

    @pytest.mark.parametrize("text", ["what is the capital of france", "play some jazz music",
                                      "какая погода завтра в москве", "mikä on huomenna sää"])
    def test_off_topic_messages_are_other_or_handed_off(self, model, text):
        result = model.classify(text, model.detect_language(text))
        assert result.intent == "other" or result.handoff

    @pytest.mark.parametrize(("text", "intent"), [
        ("I want to talk to a real person", "talk_to_human"),
        ("someone logged into my account and withdrew my money", "account_security"),
        ("i cant stop gambling please help", "responsible_gambling"),
    ])
    def test_asking_for_a_human_fraud_and_gambling_harm_are_handed_off(self, model, text, intent):
        result = model.classify(text, "en")
        assert result.intent == intent and result.handoff

    @pytest.mark.parametrize(("text", "language"), [("vyvod ne prishel uzhe nedelyu", "ru"), ("salam", "az"),
                                                    ("hei", "fi"), ("cześć", "pl")])
    def test_detects_transliterated_russian_and_one_word_greetings(self, model, text, language):
        assert model.detect_language(text) == language


def test_no_held_out_message_is_among_the_training_phrases():
    """The held-out set measures what the model makes of messages it has not seen: a training phrase equal to
    one of them (ignoring case, spacing and punctuation) would make the figure a test of memory."""
    def key(text: str) -> str:
        return " ".join(re.findall(r"\w+", text.lower()))

    training = {key(e.text) for e in read_examples(TRAINING_FILE)}
    assert [e.text for e in read_examples(HELDOUT_FILE) if key(e.text) in training] == []
