"""Telegram Bot API: webhook updates in, sendMessage out.

Wire format (core.telegram.org/bots/api): the webhook is registered with `secret_token`, which
Telegram echoes in the `X-Telegram-Bot-Api-Secret-Token` header; each Update has a unique
`update_id`; replies go to `POST {api}/bot{token}/sendMessage` and answer `{"ok": true, "result":
{...}}` or `{"ok": false, "error_code": 429, "description": ..., "parameters": {"retry_after": n}}`.
Channel config (telegram/config.py): `bot_token_enc` (encrypted, see kit/crypto; a plain `bot_token` is
accepted too), `secret_token_enc` (else the channel's `secret` is the secret token), optional `api_base`
(default https://api.telegram.org)."""

from __future__ import annotations

from typing import Any

import httpx

from croupier.channels.base import InboundAttachment, InboundMessage, OutboundResult, Parsed, SendError
from croupier.channels.config import verifying_secret
from croupier.errors import BadRequest, Unauthorized
from croupier.kit import crypto, secrets
from croupier.kit.i18n import N_
from croupier.models import Channel

HEADER = "x-telegram-bot-api-secret-token"
DEFAULT_API = "https://api.telegram.org"
UNSUPPORTED = "[{kind}]"  # shown to the agent for content we cannot show (stickers, voice, locations …)
KINDS = ("sticker", "voice", "video", "video_note", "audio", "location", "contact", "poll", "dice", "animation")


def _token(channel: Channel) -> str:
    return crypto.config_secret(channel.config, "bot_token")


def _api(channel: Channel) -> str:
    return f"{channel.config.get('api_base', DEFAULT_API).rstrip('/')}/bot{_token(channel)}"


def _text(obj: dict[str, Any], key: str) -> str | None:
    """A string field of an update, None when it is missing or of another type (updates are fuzzed)."""
    value = obj.get(key)
    return value if isinstance(value, str) and value else None


def _number(obj: dict[str, Any], key: str) -> float:
    value = obj.get(key)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


class TelegramAdapter:
    def verify(self, channel: Channel, headers: dict[str, str], body: bytes) -> None:
        if not secrets.equal(headers.get(HEADER, ""), verifying_secret(channel, "secret_token")):
            raise Unauthorized(N_("The webhook's secret token is missing or wrong."), code="webhook_unverified")

    def external_id(self, payload: dict[str, Any]) -> str:
        update_id = payload.get("update_id")
        if not isinstance(update_id, int):
            raise BadRequest(N_("This is not a Telegram update: update_id is missing."), code="malformed_update")
        return str(update_id)

    def parse(self, channel: Channel, payload: dict[str, Any]) -> Parsed:
        message = payload.get("message") or payload.get("edited_message")
        chat = message.get("chat") if isinstance(message, dict) else None
        chat_id = chat.get("id") if isinstance(chat, dict) else None
        if isinstance(chat_id, bool) or not isinstance(chat_id, int | str) or not str(chat_id):
            return Parsed()  # callback queries, membership changes …: nothing for the inbox
        sender = message["from"] if isinstance(message.get("from"), dict) else {}
        name = " ".join(p for p in (_text(sender, "first_name"), _text(sender, "last_name")) if p) or _text(
            sender, "username")
        text = _text(message, "text") or _text(message, "caption") or ""
        attachments: list[InboundAttachment] = []
        photos = message.get("photo") if isinstance(message.get("photo"), list) else []
        photos = [p for p in photos if isinstance(p, dict) and _text(p, "file_id")]
        if photos:
            largest = max(photos, key=lambda p: _number(p, "file_size") or _number(p, "width"))
            attachments.append(InboundAttachment(largest["file_id"], "photo.jpg"))
        if isinstance(message.get("document"), dict) and _text(message["document"], "file_id"):
            doc = message["document"]
            attachments.append(InboundAttachment(doc["file_id"], _text(doc, "file_name") or "document"))
        if not text and not attachments:
            kind = next((k for k in KINDS if k in message), "unsupported")
            text = UNSUPPORTED.format(kind=kind)
        return Parsed([InboundMessage(sender_id=str(chat_id), external_id=str(message.get("message_id")),
                                      text=text, sender_name=name, locale=_text(sender, "language_code"),
                                      attachments=tuple(attachments))])

    async def send(self, channel: Channel, recipient: str, text: str, client: httpx.AsyncClient) -> OutboundResult:
        result = await self._call(client, f"{_api(channel)}/sendMessage", json={"chat_id": recipient, "text": text})
        return OutboundResult(external_id=str(result.get("message_id")))

    async def fetch(self, channel: Channel, ref: str, client: httpx.AsyncClient) -> bytes:
        info = await self._call(client, f"{_api(channel)}/getFile", json={"file_id": ref})
        base = channel.config.get("api_base", DEFAULT_API).rstrip("/")
        try:
            response = await client.get(f"{base}/file/bot{_token(channel)}/{info['file_path']}")
        except httpx.HTTPError as exc:
            raise SendError(f"network: {exc}", retryable=True) from exc
        if response.status_code != 200:
            raise SendError(f"file download failed: HTTP {response.status_code}",
                            retryable=response.status_code >= 500)
        return response.content

    async def _call(self, client: httpx.AsyncClient, url: str, json: dict[str, Any]) -> dict[str, Any]:
        try:
            response = await client.post(url, json=json)
        except httpx.HTTPError as exc:
            raise SendError(f"network: {type(exc).__name__}", retryable=True) from exc
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code == 200 and body.get("ok"):
            return body.get("result") or {}
        reason = f"HTTP {response.status_code}: {body.get('description') or response.text[:200]}"
        retry_after = (body.get("parameters") or {}).get("retry_after") or response.headers.get("retry-after")
        retryable = response.status_code >= 500 or response.status_code == 429
        raise SendError(reason, retryable=retryable, retry_after=float(retry_after) if retry_after else None)
