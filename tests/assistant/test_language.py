"""Language detection: the text decides long messages; priors and in-domain hints decide short ones."""

from __future__ import annotations

import pytest

from croupier.assistant.language import base_language, detect_language, supported_languages


class TestWithoutPriors:
    @pytest.mark.parametrize(("text", "language"), [
        ("my withdrawal has been pending for three days, what is going on", "en"),
        ("мой вывод висит уже третий день, что происходит", "ru"),
        ("moja wypłata wisi już trzeci dzień, co się dzieje", "pl"),
        ("pul çıxarışım üç gündür gözləmədədir, nə baş verir", "az"),
        ("kotiutukseni on ollut odottamassa kolme päivää, mitä tapahtuu", "fi"),
    ])
    def test_full_sentences(self, text, language):
        assert detect_language(text) == language

    @pytest.mark.parametrize(("text", "language"), [("salam", "az"), ("hei", "fi"), ("cześć", "pl"), ("привет", "ru")])
    def test_one_word_greetings_land_on_their_language(self, text, language):
        assert detect_language(text) == language

    def test_the_answer_is_always_a_supported_language(self):
        assert detect_language("¿dónde está mi retiro?") in supported_languages()


class TestPriors:
    def test_the_players_language_decides_an_ambiguous_word(self):
        assert detect_language("ok", ["pl"]) == "pl"
        assert detect_language("ok", ["fi"]) == "fi"

    def test_the_channel_locale_counts_when_the_player_language_is_unknown(self):
        assert detect_language("ok", [None, "az-AZ"]) == "az"

    def test_the_players_language_outweighs_the_channel_locale(self):
        assert detect_language("ok", ["ru", "en"]) == "ru"

    def test_a_sentence_in_another_language_wins_over_the_priors(self):
        assert detect_language("gdzie są moje pieniądze z wypłaty", ["en", "en"]) == "pl"
        assert detect_language("where is my money from the withdrawal", ["ru", "ru"]) == "en"

    def test_text_without_words_takes_the_prior(self):
        assert detect_language("???", ["fi"]) == "fi"

    def test_unknown_or_empty_priors_are_ignored(self):
        assert detect_language("hei", ["xx", ""]) == "fi"


class TestBaseLanguage:
    @pytest.mark.parametrize(("code", "base"), [("pl-PL", "pl"), ("az_AZ", "az"), ("FI", "fi"), ("", None), (None, None)])
    def test_locales_reduce_to_their_language(self, code, base):
        assert base_language(code) == base
