"""Argon2id password hashing and the password policy."""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from croupier.config import get_settings
from croupier.errors import BadRequest
from croupier.kit.i18n import N_, gettext

MIN_LENGTH = 12
MAX_LENGTH = 256


@lru_cache
def _hasher() -> PasswordHasher:
    """Argon2id with the configured RFC 9106 profile (tests use argon2's CHEAPEST to run fast)."""
    return PasswordHasher.from_parameters(getattr(profiles, get_settings().password_hash_profile))


@lru_cache
def _dummy_hash() -> str:
    # Verified against when the e-mail is unknown, so timing does not reveal which accounts exist.
    return _hasher().hash("croupier-timing-equaliser")


@lru_cache
def _common() -> frozenset[str]:
    # Django's list of 20,000 common passwords (BSD licence, see data/common-passwords-LICENSE).
    path = Path(__file__).parent / "data" / "common-passwords.txt.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip().lower() for line in fh if line.strip())


def policy_problems(password: str, email: str = "") -> list[str]:
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(N_("Use at least 12 characters."))
    if len(password) > MAX_LENGTH:
        problems.append(N_("Use at most 256 characters."))
    if password.lower() in _common() or password.lower().rstrip("0123456789!") in _common():
        problems.append(N_("This password is too common."))
    local = email.split("@")[0].lower()
    if len(local) >= 4 and local in password.lower():
        problems.append(N_("The password must not contain your e-mail name."))
    return problems


def check_policy(password: str, email: str = "") -> None:
    problems = policy_problems(password, email)
    if problems:
        raise BadRequest(N_("This password is not allowed: %(problems)s"), code="weak_password",
                         problems=" ".join(gettext(p) for p in problems))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher().verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher().check_needs_rehash(stored_hash)
