"""Facebook Messenger and Instagram messaging (developers.facebook.com/docs/messenger-platform): Meta
webhooks in, `POST {graph}/{version}/me/messages` out with the page access token.

Webhook (object `page` or `instagram`): `entry[].messaging[]` events with `sender.id` (the page- or
Instagram-scoped id replies go to) and either `message` (`mid`, `text`, `attachments[]` of
`{"type", "payload": {"url"}}`; `is_echo` for our own sends), `delivery` (`mids[]`) or `read` (`mid` on
Instagram). Send answers `{"recipient_id", "message_id"}`. Channel config: `page_access_token`,
`verify_token`, optional `api_base`, `api_version`; the app secret is the channel's secret."""

from __future__ import annotations

from typing import Any

import httpx

from croupier.channels.base import DeliveryUpdate, InboundAttachment, InboundMessage, OutboundResult, Parsed
from croupier.channels.meta import graph
from croupier.models import Channel, DeliveryState

OBJECTS = ("page", "instagram")
UNSUPPORTED = "[{kind}]"  # shown to the agent for content we cannot show (stickers, reactions, locations …)
FILENAMES = {"image": "image.jpg", "video": "video.mp4", "audio": "audio.mp4", "file": "file"}


def _events(payload: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for entry in graph.entries(payload, OBJECTS) if isinstance(entry.get("messaging"), list)
            for e in entry["messaging"] if isinstance(e, dict)]


def _sender(event: dict[str, Any]) -> str | None:
    sender = event.get("sender")
    value = sender.get("id") if isinstance(sender, dict) else None
    return str(value) if isinstance(value, str | int) and str(value) else None


def _message(event: dict[str, Any]) -> InboundMessage | None:
    raw, sender = event.get("message"), _sender(event)
    if not isinstance(raw, dict) or raw.get("is_echo") or sender is None:
        return None
    mid = raw.get("mid")
    if not isinstance(mid, str) or not mid:
        return None
    text = raw.get("text") if isinstance(raw.get("text"), str) else ""
    attachments, kinds = [], []
    for att in raw.get("attachments") or []:
        if not isinstance(att, dict):
            continue
        kind, payload = str(att.get("type") or "unsupported"), att.get("payload")
        url = payload.get("url") if isinstance(payload, dict) else None
        if kind in FILENAMES and isinstance(url, str) and url.startswith(("https://", "http://")):
            attachments.append(InboundAttachment(url, FILENAMES[kind]))
        else:
            kinds.append(kind)
    notes = [UNSUPPORTED.format(kind=k) for k in kinds]
    if not text and not attachments and not notes:
        notes = [UNSUPPORTED.format(kind="unsupported")]
    return InboundMessage(sender_id=sender, external_id=mid, text="\n".join([text, *notes]).strip(),
                          attachments=tuple(attachments))


def _updates(event: dict[str, Any]) -> list[DeliveryUpdate]:
    updates = []
    delivery = event.get("delivery")
    if isinstance(delivery, dict) and isinstance(delivery.get("mids"), list):
        updates += [DeliveryUpdate(m, DeliveryState.delivered) for m in delivery["mids"] if isinstance(m, str) and m]
    read = event.get("read")
    if isinstance(read, dict) and isinstance(read.get("mid"), str) and read["mid"]:
        updates.append(DeliveryUpdate(read["mid"], DeliveryState.read))
    return updates


class MetaMessagingAdapter:
    """Messenger and Instagram share the Messenger Platform's wire format."""

    def verify(self, channel: Channel, headers: dict[str, str], body: bytes) -> None:
        graph.verify_signature(channel, headers, body)

    def handshake(self, channel: Channel, query: dict[str, str]) -> str:
        return graph.handshake(channel, query)

    def external_id(self, payload: dict[str, Any]) -> str:
        events = _events(payload)
        if len(events) == 1 and isinstance(events[0].get("message"), dict):
            mid = events[0]["message"].get("mid")
            if isinstance(mid, str) and mid:
                return mid
        return graph.body_digest(payload)

    def parse(self, channel: Channel, payload: dict[str, Any]) -> Parsed:
        parsed = Parsed()
        for event in _events(payload):
            message = _message(event)
            if message is not None:
                parsed.messages.append(message)
            parsed.updates += _updates(event)
        return parsed

    async def send(self, channel: Channel, recipient: str, text: str, client: httpx.AsyncClient) -> OutboundResult:
        body = {"recipient": {"id": recipient}, "messaging_type": "RESPONSE", "message": {"text": text}}
        result = await graph.call(client, "POST", f"{graph.api(channel)}/me/messages", _token(channel), body)
        mid = result.get("message_id")
        return OutboundResult(external_id=str(mid) if mid else None)

    async def fetch(self, channel: Channel, ref: str, client: httpx.AsyncClient) -> bytes:
        return await graph.download(client, ref)  # Meta's CDN links are signed; no token is sent to them


def _token(channel: Channel) -> str:
    return graph.token(channel, "page_access_token") or graph.token(channel)
