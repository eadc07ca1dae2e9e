"""Addresses that carry a conversation: the reply address support+c42.<mac>@domain and the Message-IDs of
our replies, which answers reference. Both carry a MAC under the channel's secret, so they cannot be guessed
and a stranger cannot write into someone else's conversation. Mail servers deliver support+anything@ to
support@ (sub-addressing)."""

from __future__ import annotations

import re

from croupier.kit import secrets

TOKEN = re.compile(r"^c(\d{1,18})\.([0-9a-f]{12})$")


def _mac(secret: str, conversation_id: int) -> str:
    return secrets.sign(secret, f"email-conversation:{conversation_id}")[:12]


def reply_address(address: str, secret: str, conversation_id: int) -> str:
    local, domain = address.rsplit("@", 1)
    return f"{local.split('+', 1)[0]}+c{conversation_id}.{_mac(secret, conversation_id)}@{domain}"


def same_mailbox(candidate: str, address: str) -> bool:
    """Whether `candidate` is `address` or one of its +tag sub-addresses (case-insensitive)."""
    if "@" not in candidate:
        return False
    local, domain = candidate.lower().rsplit("@", 1)
    own_local, own_domain = address.lower().rsplit("@", 1)
    return domain == own_domain and local.split("+", 1)[0] == own_local.split("+", 1)[0]


def conversation_in(candidates: list[str] | tuple[str, ...], address: str, secret: str) -> int | None:
    """The conversation proven by a reply address among `candidates`, if any."""
    for candidate in candidates:
        if not same_mailbox(candidate, address) or "+" not in candidate.split("@", 1)[0]:
            continue
        match = TOKEN.match(candidate.lower().rsplit("@", 1)[0].split("+", 1)[1])
        if match and secrets.equal(match.group(2), _mac(secret, int(match.group(1)))):
            return int(match.group(1))
    return None


def message_id(message_id: int, secret: str, domain: str) -> str:
    """The Message-ID of our reply `message_id`: the same on every attempt, so a resend after a crash can be
    recognised by the player's mail system; unique across channels and installations (their secrets differ)."""
    return f"<croupier.{message_id}.{secrets.sign(secret, f'email-message:{message_id}')[:16]}@{domain}>"
