"""The generic API channel: the operator's own systems post player messages to Croupier and receive
agents' replies on a callback URL. Both directions are signed as described in `signing.py`.

Inbound (`POST /channels/{key}/webhook`): `{"id": "<unique event id>", "player": {"id": "...",
"name": "...", "locale": "pl"}, "text": "...", "sent_at": "..."}`. `player.id` is the operator's own
player id: it is the identity's external id and links the identity to the brand's player with that
`external_id`. A replayed `id` is acknowledged and ignored.

Outbound: `POST {config.callback_url}` with `Idempotency-Key: <message id>` and
`{"type": "message.created", "message": {"id", "conversation_id", "player_id", "text", "created_at"}}`.
2xx is delivered; 429, 5xx and network errors are retried (honouring Retry-After); any other status
fails the message with the response's reason. Channel config: `callback_url`."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import orjson

from croupier.channels.api import signing
from croupier.channels.base import InboundMessage, OutboundMessage, OutboundResult, Parsed, SendError
from croupier.channels.config import verifying_secret
from croupier.errors import BadRequest
from croupier.kit.i18n import N_
from croupier.models import Channel

MAX_ID = 128  # the operator's player id is stored in Player.external_id (128 characters)
MAX_TEXT = 20_000


def _id(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).strip()
    return text if 0 < len(text) <= MAX_ID else None


def retry_after(value: str | None) -> float | None:
    """Retry-After as seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds()) if when.tzinfo else None


def reason_of(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        body = None
    detail = None
    if isinstance(body, dict):
        error = body.get("error")
        detail = error.get("message") if isinstance(error, dict) else error or body.get("message")
    detail = detail or response.text[:200] or response.reason_phrase
    return f"HTTP {response.status_code}: {str(detail)[:300]}"


async def post_signed(client: httpx.AsyncClient, url: str, secret: str, payload: dict[str, Any],
                      idempotency_key: str) -> httpx.Response:
    """POST `payload` signed; raise SendError unless the answer is 2xx."""
    body = orjson.dumps(payload)
    headers = {"Content-Type": "application/json", "Idempotency-Key": idempotency_key,
               **signing.signed_headers(secret, body)}
    try:
        response = await client.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        raise SendError(f"network: {type(exc).__name__}", retryable=True) from exc
    if 200 <= response.status_code < 300:
        return response
    retryable = response.status_code == 429 or response.status_code >= 500
    raise SendError(reason_of(response), retryable=retryable,
                    retry_after=retry_after(response.headers.get("retry-after")) if retryable else None)


def _iso(moment: datetime) -> str:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


class ApiAdapter:
    def verify(self, channel: Channel, headers: dict[str, str], body: bytes) -> None:
        signing.verify(verifying_secret(channel, "signing_secret"), headers, body)

    def external_id(self, payload: dict[str, Any]) -> str:
        """The event id, once the whole event is known to be usable (a bad one is a 400, nothing stored)."""
        event_id = _id(payload.get("id"))
        if event_id is None:
            raise BadRequest(N_("The event needs an \"id\": your unique id of this event (up to 128 characters)."),
                             code="malformed_event")
        player = payload.get("player")
        if not isinstance(player, dict) or _id(player.get("id")) is None:
            raise BadRequest(N_("The event needs \"player.id\": your id of the player (up to 128 characters)."),
                             code="malformed_event")
        for key in ("name", "locale"):
            if player.get(key) is not None and not isinstance(player.get(key), str):
                raise BadRequest(N_("\"player.name\" and \"player.locale\" must be strings."), code="malformed_event")
        text = payload.get("text")
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
            raise BadRequest(N_("The event needs a non-empty \"text\" of at most 20000 characters."),
                             code="malformed_event")
        return event_id

    def parse(self, channel: Channel, payload: dict[str, Any]) -> Parsed:
        player = payload["player"]
        player_id = _id(player["id"]) or ""
        name = (player.get("name") or "").strip()[:200] or None
        return Parsed([InboundMessage(sender_id=player_id, external_id=_id(payload["id"]) or "",
                                      text=payload["text"].strip(), sender_name=name, locale=player.get("locale"),
                                      player_external_id=player_id)])

    async def send_message(self, channel: Channel, message: OutboundMessage, client: httpx.AsyncClient
                           ) -> OutboundResult:
        url = channel.config.get("callback_url")
        if not url:
            raise SendError("the API channel has no callback_url configured", retryable=False)
        payload = {"type": "message.created", "message": {
            "id": message.id, "conversation_id": message.conversation_id, "player_id": message.recipient,
            "text": message.text, "created_at": _iso(message.created_at)}}
        await post_signed(client, url, verifying_secret(channel, "signing_secret"), payload, str(message.id))
        return OutboundResult(external_id=None)

    async def send_test(self, channel: Channel, recipient: str, text: str, key: str, client: httpx.AsyncClient
                        ) -> OutboundResult:
        """The console's test message (probe.SendsTests): `{"type": "message.test", "message": {"player_id",
        "text"}}`, with `Idempotency-Key: test-<key>`, the same on every retry."""
        url = channel.config.get("callback_url")
        if not url:
            raise SendError("the API channel has no callback_url configured", retryable=False)
        payload = {"type": "message.test", "message": {"player_id": recipient, "text": text}}
        await post_signed(client, url, verifying_secret(channel, "signing_secret"), payload, f"test-{key}")
        return OutboundResult(external_id=None)

    async def send(self, channel: Channel, recipient: str, text: str, client: httpx.AsyncClient) -> OutboundResult:
        raise SendError("the API channel delivers stored replies only (each needs its message id as the "
                        "Idempotency-Key)", retryable=False)

    async def fetch(self, channel: Channel, ref: str, client: httpx.AsyncClient) -> bytes:
        raise SendError("the API channel does not carry attachments", retryable=False)
