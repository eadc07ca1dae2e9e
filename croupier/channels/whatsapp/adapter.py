"""WhatsApp Business Cloud API (developers.facebook.com/docs/whatsapp/cloud-api): Meta webhooks in,
`POST {graph}/{version}/{phone_number_id}/messages` out.

Webhook (object `whatsapp_business_account`): `entry[].changes[].value` holds `contacts[]` (profile name
per `wa_id`), `messages[]` (`from`, `id` = wamid, `type`: text, image, document, …; media carry an `id`
resolved by `GET /{media-id}` -> `{"url"}`, downloaded with the bearer token) and `statuses[]` (`id` =
the wamid of our message, `status`: sent/delivered/read/failed with `errors[]`).

A free-form reply is only allowed within 24 hours of the player's last message (the customer-service
window); later ones are failed here, without calling Meta. A stored template send (templates.py) goes out as
a `"type": "template"` message, inside or outside the window. Channel config: `phone_number_id`,
`access_token`, `verify_token`, optional `api_base`, `api_version`; the app secret is the channel's secret."""

from __future__ import annotations

from typing import Any

import httpx

from croupier.channels.base import (
    DeliveryUpdate,
    InboundAttachment,
    InboundMessage,
    OutboundMessage,
    OutboundResult,
    Parsed,
    SendError,
)
from croupier.channels.meta import graph
from croupier.channels.whatsapp.templates import read_template, window_open
from croupier.models import Channel, DeliveryState

OBJECTS = ("whatsapp_business_account",)
OUTSIDE_WINDOW = "outside the 24-hour window: only approved templates may be sent"
UNSUPPORTED = "[{kind}]"  # shown to the agent for content we cannot show (stickers, locations, reactions …)
MEDIA = {"image": "image.jpg", "document": "document", "video": "video.mp4", "audio": "audio.ogg"}
STATES = {"sent": DeliveryState.sent, "delivered": DeliveryState.delivered, "read": DeliveryState.read,
          "failed": DeliveryState.failed}


def _values(payload: dict[str, Any]) -> list[dict[str, Any]]:
    values = []
    for entry in graph.entries(payload, OBJECTS):
        for change in entry.get("changes") or []:
            if isinstance(change, dict) and isinstance(change.get("value"), dict):
                values.append(change["value"])
    return values


def _list(value: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = value.get(key)
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _failure(status: dict[str, Any]) -> str:
    errors = _list(status, "errors")
    if not errors:
        return "failed"
    error = errors[0]
    details = (error.get("error_data") or {}).get("details") if isinstance(error.get("error_data"), dict) else None
    words = str(details or error.get("message") or error.get("title") or "failed")
    return f"{words} (code {error['code']})" if error.get("code") is not None else words


def _message(raw: dict[str, Any], names: dict[str, str]) -> InboundMessage | None:
    sender, wamid = raw.get("from"), raw.get("id")
    if not isinstance(sender, str) or not isinstance(wamid, str) or not sender or not wamid:
        return None
    kind = str(raw.get("type") or "unsupported")
    content = raw.get(kind) if isinstance(raw.get(kind), dict) else {}
    text, attachments = "", []
    if kind == "text":
        text = str(content.get("body") or "")
    elif kind in MEDIA and isinstance(content.get("id"), str):
        text = str(content.get("caption") or "")
        attachments.append(InboundAttachment(content["id"], str(content.get("filename") or MEDIA[kind])))
    elif kind == "button":
        text = str(content.get("text") or "")
    elif kind == "interactive":
        reply = content.get("button_reply") or content.get("list_reply") or {}
        text = str(reply.get("title") or "") if isinstance(reply, dict) else ""
    if not text and not attachments:
        text = UNSUPPORTED.format(kind=kind)
    return InboundMessage(sender_id=sender, external_id=wamid, text=text, sender_name=names.get(sender),
                          attachments=tuple(attachments))


class WhatsAppAdapter:
    def verify(self, channel: Channel, headers: dict[str, str], body: bytes) -> None:
        graph.verify_signature(channel, headers, body)

    def handshake(self, channel: Channel, query: dict[str, str]) -> str:
        return graph.handshake(channel, query)

    def external_id(self, payload: dict[str, Any]) -> str:
        ids = [m.get("id") for v in _values(payload) for m in _list(v, "messages")]
        if len(ids) == 1 and isinstance(ids[0], str) and ids[0]:
            return ids[0]
        return graph.body_digest(payload)  # statuses only, or a batch: Meta retries the very same body

    def parse(self, channel: Channel, payload: dict[str, Any]) -> Parsed:
        parsed = Parsed()
        for value in _values(payload):
            names = {str(c.get("wa_id")): str((c.get("profile") or {}).get("name") or "")
                     for c in _list(value, "contacts") if isinstance(c.get("profile"), dict)}
            names = {k: v for k, v in names.items() if v}
            for raw in _list(value, "messages"):
                message = _message(raw, names)
                if message is not None:
                    parsed.messages.append(message)
            for status in _list(value, "statuses"):
                state, wamid = STATES.get(str(status.get("status"))), status.get("id")
                if state is not None and isinstance(wamid, str) and wamid:
                    reason = _failure(status) if state == DeliveryState.failed else None
                    parsed.updates.append(DeliveryUpdate(wamid, state, reason))
        return parsed

    async def send_message(self, channel: Channel, message: OutboundMessage, client: httpx.AsyncClient
                           ) -> OutboundResult:
        template = read_template(message.text)
        if template is not None:
            return await self._post(channel, message.recipient, {"type": "template", "template": template.payload()},
                                    client)
        if not window_open(message.last_player_message_at):
            raise SendError(OUTSIDE_WINDOW, retryable=False)
        return await self.send(channel, message.recipient, message.text, client)

    async def send(self, channel: Channel, recipient: str, text: str, client: httpx.AsyncClient) -> OutboundResult:
        return await self._post(channel, recipient, {"type": "text", "text": {"preview_url": False, "body": text}},
                                client)

    async def _post(self, channel: Channel, recipient: str, content: dict[str, Any], client: httpx.AsyncClient
                    ) -> OutboundResult:
        url = f"{graph.api(channel)}/{channel.config.get('phone_number_id', '')}/messages"
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": recipient, **content}
        result = await graph.call(client, "POST", url, graph.token(channel), body)
        messages = result.get("messages")
        wamid = messages[0].get("id") if isinstance(messages, list) and messages and isinstance(messages[0], dict) \
            else None
        return OutboundResult(external_id=str(wamid) if wamid else None)

    async def fetch(self, channel: Channel, ref: str, client: httpx.AsyncClient) -> bytes:
        info = await graph.call(client, "GET", f"{graph.api(channel)}/{ref}", graph.token(channel))
        url = info.get("url")
        if not isinstance(url, str) or not url:
            raise SendError("media url missing", retryable=False)
        return await graph.download(client, url, graph.token(channel))
