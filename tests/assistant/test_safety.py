"""The safety rules against a corpus of replies written natively in each language (tests/fixtures/assistant/
safety/<language>.jsonl: a reply and the reasons it is unsafe, none for a safe one) and of player messages
with the secrets redact() must mask (redaction.jsonl)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from croupier.assistant.safety import asks_for_secret, check_reply, luhn_valid, redact

CORPUS = Path(__file__).parent.parent / "fixtures" / "assistant" / "safety"
LANGUAGES = ("en", "ru", "pl", "az", "fi")


def _rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (CORPUS / f"{name}.jsonl").read_text(encoding="utf-8").splitlines() if line]


REPLIES = [pytest.param(language, row, id=f"{language}-{n}") for language in LANGUAGES
           for n, row in enumerate(_rows(language))]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_corpus_has_twenty_unsafe_and_twenty_safe_replies_per_language(language: str) -> None:
    rows = _rows(language)
    assert sum(bool(r["reasons"]) for r in rows) >= 20
    assert sum(not r["reasons"] for r in rows) >= 20


@pytest.mark.parametrize(("language", "row"), REPLIES)
def test_reply(language: str, row: dict) -> None:
    reasons = check_reply(row["text"], language)
    if row["reasons"]:
        assert set(row["reasons"]) <= set(reasons), reasons
    else:
        assert reasons == []


@pytest.mark.parametrize("row", _rows("redaction"), ids=lambda row: row["text"][:40])
def test_redact(row: dict) -> None:
    assert redact(row["text"]) == row["redacted"]


def test_a_reply_repeating_a_secret_is_unsafe() -> None:
    assert check_reply("Your card 4242 4242 4242 4242 is blocked.", "en") == ["repeats_card_number"]
    assert check_reply("Ваш пароль: qwerty123", "ru") == ["repeats_password"]
    assert check_reply("Kod SMS 482913 jest ważny 5 minut.", "pl") == ["repeats_code"]
    assert check_reply("Transaction 1234567890123456 is pending.", "en") == []


def test_every_reason_of_a_reply_is_given_once_and_sorted() -> None:
    reasons = check_reply("Send me your password and your CVV. We will refund you, and we need the password!", "en")
    assert reasons == ["asks_cvv", "asks_password", "promises_money"]


def test_diacritics_case_and_curly_apostrophes_do_not_matter() -> None:
    assert check_reply("PODAJ HASŁO", "pl") == check_reply("podaj haslo", "pl") == ["asks_password"]
    assert check_reply("ŞİFRƏNİZİ GÖNDƏRİN", "az") == ["asks_password"]
    assert check_reply("We won’t ever ask for your password.", "en") == []


def test_asks_for_secret() -> None:
    assert asks_for_secret("Kerro vahvistuskoodi, kiitos.")
    assert not asks_for_secret("Älä kerro vahvistuskoodia kenellekään.")
    assert not asks_for_secret("We will refund your deposit.")


def test_redacted_text_keeps_its_other_characters_in_place() -> None:
    text = "Ma carte: 4242424242424242 — cvv 123, merci. Zażółć gęślą jaźń, hasło: Kasia1990"
    assert redact(text) == "Ma carte: •••• 4242 — cvv •••, merci. Zażółć gęślą jaźń, hasło: •••"


def test_luhn() -> None:
    assert luhn_valid("4242424242424242") and luhn_valid("378282246310005")
    assert not luhn_valid("4242424242424241") and not luhn_valid("1234567890123456")
