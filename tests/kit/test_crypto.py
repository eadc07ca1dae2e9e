"""Secrets at rest: Fernet with a key derived from the installation's secret key."""

from __future__ import annotations

import pytest

from croupier.config import get_settings
from croupier.kit import crypto


def test_a_secret_round_trips_and_its_ciphertext_does_not_contain_it(settings):
    token = crypto.encrypt("123456:ABC-secret")
    assert "ABC-secret" not in token and crypto.decrypt(token) == "123456:ABC-secret"
    assert crypto.encrypt("123456:ABC-secret") != token  # a fresh IV each time


def test_another_installations_key_cannot_decrypt(settings, monkeypatch):
    token = crypto.encrypt("123456:ABC-secret")
    ours = get_settings().secret_key
    monkeypatch.setenv("CROUPIER_SECRET_KEY", "another-installation-secret-key")
    get_settings.cache_clear()
    try:
        with pytest.raises(ValueError):
            crypto.decrypt(token)
    finally:
        monkeypatch.setenv("CROUPIER_SECRET_KEY", ours)
        get_settings.cache_clear()
    assert crypto.decrypt(token) == "123456:ABC-secret"


def test_config_secret_reads_the_encrypted_key_or_a_plain_one(settings):
    assert crypto.config_secret(crypto.sealed("bot_token", "123456:ABC-secret"), "bot_token") == "123456:ABC-secret"
    assert crypto.config_secret({"bot_token": "plain"}, "bot_token") == "plain"
    assert crypto.config_secret({}, "bot_token") == ""


def test_only_the_last_characters_of_a_long_secret_are_kept_for_display(settings):
    assert crypto.sealed("api_key", "sk_live_0123456789")["api_key_last4"] == "6789"
    assert crypto.last_chars("short") == ""
