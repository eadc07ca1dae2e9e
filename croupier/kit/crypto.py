"""Secrets at rest: provider tokens and API keys in `channel.config` are Fernet-encrypted with a key
derived (HKDF-SHA256) from the installation's secret key, and only their last characters are shown.

Encrypted values live under keys ending in `_enc` (`bot_token_enc`); `config_secret` reads either the
encrypted key or, for channels configured by hand, the plain one."""

from __future__ import annotations

import base64
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from croupier.config import get_settings

INFO = b"croupier channel secrets v1"
SHOWN = 4


@lru_cache(maxsize=4)
def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(plain: str) -> str:
    return _fernet(get_settings().effective_secret_key).encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    """The plain value; ValueError if it was encrypted under another secret key or altered."""
    return _decrypt(get_settings().effective_secret_key, token)


@lru_cache(maxsize=1024)
def _decrypt(secret_key: str, token: str) -> str:
    """Kept per (key, token): every webhook checks its channel's secret (a token decrypts to one value only)."""
    try:
        return _fernet(secret_key).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("the value cannot be decrypted with this installation's secret key") from exc


def last_chars(plain: str) -> str:
    return plain[-SHOWN:] if len(plain) > SHOWN * 2 else ""


def sealed(name: str, plain: str) -> dict[str, str]:
    """The config entries storing secret `name`: its ciphertext and the last characters to show."""
    return {f"{name}_enc": encrypt(plain), f"{name}_last4": last_chars(plain)}


def config_secret(config: dict[str, Any], name: str) -> str:
    """Secret `name` of a channel's config, decrypted; the plain key is accepted for hand-made channels."""
    encrypted = config.get(f"{name}_enc")
    if isinstance(encrypted, str) and encrypted:
        return decrypt(encrypted)
    plain = config.get(name)
    return plain if isinstance(plain, str) else ""
