"""What every Meta webhook shares (developers.facebook.com/docs/graph-api/webhooks): the GET handshake
(`hub.mode=subscribe`, `hub.verify_token`, echo `hub.challenge` as plain text), the
`X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body keyed with the app secret>` header on every
POST, and Graph API calls answering `{"error": {"message", "code", "error_subcode", …}}` on failure.

The app secret (`app_secret`, else the channel's `secret`), `verify_token`, access tokens (plain, or
encrypted at rest under `<name>_enc` as kit/crypto seals them), optional `api_base` (default
https://graph.facebook.com) and `api_version` (default v21.0) live in its config."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import httpx

from croupier.channels.base import SendError
from croupier.channels.config import verifying_secret
from croupier.errors import BadRequest, Forbidden, Unauthorized
from croupier.kit import crypto, secrets
from croupier.kit.i18n import N_
from croupier.models import Channel

SIGNATURE_HEADER = "x-hub-signature-256"
DEFAULT_API = "https://graph.facebook.com"
DEFAULT_VERSION = "v21.0"
# Graph error codes meaning "slow down" even when the HTTP status is 400 (app/page/WhatsApp throughput limits).
RATE_LIMIT_CODES = {4, 17, 32, 613, 80007, 130429, 131056}


def verify_signature(channel: Channel, headers: dict[str, str], body: bytes) -> None:
    header = headers.get(SIGNATURE_HEADER, "")
    key = verifying_secret(channel, "app_secret")
    expected = "sha256=" + hmac.new(key.encode(), body, hashlib.sha256).hexdigest()
    if not header or not secrets.equal(header.strip().lower(), expected):
        raise Unauthorized(N_("The webhook's signature is missing or wrong."), code="webhook_unverified")


def handshake(channel: Channel, query: dict[str, str]) -> str:
    expected = token(channel, "verify_token")
    if (query.get("hub.mode") != "subscribe" or not expected
            or not secrets.equal(query.get("hub.verify_token", ""), expected)):
        raise Forbidden(N_("The verification token is wrong."), code="verify_token_mismatch")
    return query.get("hub.challenge", "")


def body_digest(payload: dict[str, Any]) -> str:
    """A stable id for deliveries that carry no message id (status callbacks): Meta retries the same body."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def entries(payload: dict[str, Any], expected: tuple[str, ...]) -> list[dict[str, Any]]:
    if payload.get("object") not in expected or not isinstance(payload.get("entry"), list):
        raise BadRequest(N_("This is not a Meta webhook for this channel."), code="malformed_update")
    return [e for e in payload["entry"] if isinstance(e, dict)]


def api(channel: Channel) -> str:
    base = str(channel.config.get("api_base") or DEFAULT_API).rstrip("/")
    return f"{base}/{channel.config.get('api_version') or DEFAULT_VERSION}"


def token(channel: Channel, name: str = "access_token") -> str:
    """A secret of the channel's config: encrypted at rest (`{name}_enc`, see kit/crypto) or plain; empty when
    it was sealed under another installation's key (Meta then refuses the call, the handshake gets a 403)."""
    try:
        return crypto.config_secret(channel.config, name)
    except ValueError:
        return ""


async def call(client: httpx.AsyncClient, method: str, url: str, bearer: str, json: dict[str, Any] | None = None
               ) -> dict[str, Any]:
    try:
        response = await client.request(method, url, json=json, headers={"Authorization": f"Bearer {bearer}"})
    except httpx.HTTPError as exc:
        raise SendError(f"network: {type(exc).__name__}", retryable=True) from exc
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    if response.status_code == 200 and "error" not in body:
        return body
    error = body.get("error") if isinstance(body.get("error"), dict) else {}
    code = error.get("code")
    reason = f"HTTP {response.status_code}: {error.get('message') or response.text[:200]}"
    if code is not None:
        reason += f" (code {code})"
    retryable = response.status_code >= 500 or response.status_code == 429 or code in RATE_LIMIT_CODES
    retry_after = response.headers.get("retry-after")
    try:
        delay = float(retry_after) if retry_after else None
    except ValueError:
        delay = None
    raise SendError(reason, retryable=retryable, retry_after=delay)


async def download(client: httpx.AsyncClient, url: str, bearer: str | None = None) -> bytes:
    try:
        response = await client.get(url, headers={"Authorization": f"Bearer {bearer}"} if bearer else None)
    except httpx.HTTPError as exc:
        raise SendError(f"network: {type(exc).__name__}", retryable=True) from exc
    if response.status_code != 200:
        raise SendError(f"file download failed: HTTP {response.status_code}", retryable=response.status_code >= 500)
    return response.content
