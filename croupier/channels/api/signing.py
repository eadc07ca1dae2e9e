"""Croupier's webhook signature, both directions: `X-Croupier-Timestamp` (Unix seconds) and
`X-Croupier-Signature: sha256=<hex HMAC-SHA256 of "{timestamp}.{raw body}" keyed with the channel secret>`.

A request whose timestamp is more than five minutes away from our clock is refused, so a captured
request cannot be replayed later; within the window the sender's unique event id makes a replay a no-op."""

from __future__ import annotations

import hashlib
import hmac
import time

from croupier.errors import Unauthorized
from croupier.kit import secrets
from croupier.kit.i18n import N_

SIGNATURE_HEADER = "x-croupier-signature"
TIMESTAMP_HEADER = "x-croupier-timestamp"
MAX_AGE_S = 300


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={mac}"


def signed_headers(secret: str, body: bytes, now: float | None = None) -> dict[str, str]:
    timestamp = str(int(time.time() if now is None else now))
    return {"X-Croupier-Timestamp": timestamp, "X-Croupier-Signature": signature(secret, timestamp, body)}


def verify(secret: str, headers: dict[str, str], body: bytes, now: float | None = None) -> None:
    """Raise Unauthorized unless `headers` (lower-cased names) carry a valid, fresh signature of `body`."""
    timestamp, given = headers.get(TIMESTAMP_HEADER, "").strip(), headers.get(SIGNATURE_HEADER, "").strip()
    if not timestamp or not given:
        raise Unauthorized(N_("The request is not signed: X-Croupier-Timestamp and X-Croupier-Signature are "
                              "required."), code="webhook_unverified")
    if not timestamp.isdigit():
        raise Unauthorized(N_("X-Croupier-Timestamp must be a Unix time in seconds."), code="webhook_unverified")
    if not secrets.equal(given, signature(secret, timestamp, body)):
        raise Unauthorized(N_("The webhook's signature is wrong."), code="webhook_unverified")
    if abs((time.time() if now is None else now) - int(timestamp)) > MAX_AGE_S:
        raise Unauthorized(N_("The request's timestamp is more than five minutes off; it may be a replay."),
                           code="webhook_stale")
