"""Password hashing and policy."""

from __future__ import annotations

import pytest

from croupier.auth import passwords
from croupier.errors import BadRequest


class TestPolicy:
    @pytest.mark.parametrize("weak", ["short1!", "password1234", "qwertyuiop123", "Password123!"])
    def test_weak_or_common_passwords_are_refused(self, weak):
        with pytest.raises(BadRequest) as err:
            passwords.check_policy(weak, "anna@example.com")
        assert err.value.code == "weak_password"

    def test_password_containing_the_email_name_is_refused(self):
        assert passwords.policy_problems("annakowalska-2026-spins", "annakowalska@example.com")

    def test_a_long_uncommon_passphrase_passes(self):
        assert passwords.policy_problems("velvet roulette sunrise 1987", "anna@example.com") == []


class TestHashing:
    def test_argon2id_hash_verifies_only_the_right_password(self):
        stored = passwords.hash_password("velvet roulette sunrise 1987")
        assert stored.startswith("$argon2id$")
        assert passwords.verify_password(stored, "velvet roulette sunrise 1987")
        assert not passwords.verify_password(stored, "velvet roulette sunrise 1988")

    def test_unknown_user_never_verifies(self):
        assert not passwords.verify_password(None, "anything")


class TestProfile:
    def test_production_default_is_rfc9106_low_memory(self, monkeypatch):
        from croupier.config import Settings

        monkeypatch.delenv("CROUPIER_PASSWORD_HASH_PROFILE", raising=False)
        assert Settings().password_hash_profile == "RFC_9106_LOW_MEMORY"
