"""The phone channel: a voice provider's call events, posted to `POST /channels/{key}/webhook` and
signed like the API channel (`X-Croupier-Timestamp`, `X-Croupier-Signature`, see api/signing.py).

Event format (JSON): `{"id": "<unique event id>", "type": "missed_call" | "voicemail" | "call_completed",
"from": "+48 601 234 567", "to": "+48 22 100 20 30", "duration_s": 42, "recording_url": "https://…",
"transcript": "…", "at": "2026-11-22T05:00:00Z"}`. `from` must be a valid number in international
format; it is normalised to E.164 and is the caller's identity. Each event adds a worded message (in the
brand's default language) to the caller's conversation, opening or reopening it, and logs the call on
it (inbound; missed, voicemail or answered; started "at", with duration, recording and transcript).
Agents cannot reply on this channel: they call back."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from croupier.channels.api import signing
from croupier.channels.base import InboundCall, InboundMessage, OutboundResult, Parsed, SendError
from croupier.channels.config import verifying_secret
from croupier.errors import BadRequest
from croupier.kit import phone
from croupier.kit.durations import duration
from croupier.kit.i18n import N_, gettext
from croupier.models import CallDirection, CallOutcome, Channel

MISSED_CALL = N_("Missed call from %(number)s")
VOICEMAIL = N_("Voicemail (%(duration)s)")
CALL_COMPLETED = N_("Call completed (%(duration)s)")
RECORDING = N_("recording: %(url)s")
OUTCOMES = {"missed_call": CallOutcome.missed, "voicemail": CallOutcome.voicemail,
            "call_completed": CallOutcome.answered}
MAX_SECONDS = 86_400
NO_REPLY = "replies to a phone caller must be made by phone"


def e164(number: Any) -> str:
    """The number in E.164 (+48601234567); BadRequest unless it is a valid international number."""
    if not isinstance(number, str) or not number.strip():
        raise BadRequest(N_("The event needs \"from\": the caller's number in international format."),
                         code="invalid_phone_number")
    found = phone.to_e164(number)
    if found is None and not number.strip().startswith("+"):
        raise BadRequest(N_("The caller's number %(number)s is not a phone number in international format "
                            "(+ and country code)."), code="invalid_phone_number", number=number[:40])
    if found is None:
        raise BadRequest(N_("The caller's number %(number)s is not a valid phone number."),
                         code="invalid_phone_number", number=number[:40])
    return found


def started_at(payload: dict[str, Any]) -> datetime | None:
    """The event's "at" (ISO 8601 with a time zone), or None when it has none; BadRequest if unreadable."""
    at = payload.get("at")
    if at is None:
        return None
    try:
        value = datetime.fromisoformat(at) if isinstance(at, str) else None
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise BadRequest(N_("\"at\" must be a date and time with a time zone (ISO 8601)."), code="malformed_event")
    return value.astimezone(UTC)


def _text(field: Any) -> str:
    return field.strip() if isinstance(field, str) else ""


class VoiceAdapter:
    def verify(self, channel: Channel, headers: dict[str, str], body: bytes) -> None:
        signing.verify(verifying_secret(channel, "signing_secret"), headers, body)

    def external_id(self, payload: dict[str, Any]) -> str:
        """The event id, once the event is known to be usable (a bad one is a 400, nothing stored)."""
        event_id = payload.get("id")
        if isinstance(event_id, bool) or not isinstance(event_id, str | int) or not str(event_id).strip():
            raise BadRequest(N_("The event needs an \"id\": the provider's unique id of this event."),
                             code="malformed_event")
        if not isinstance(payload.get("type"), str) or payload["type"] not in OUTCOMES:
            raise BadRequest(N_("The event's \"type\" must be missed_call, voicemail or call_completed."),
                             code="malformed_event")
        seconds = payload.get("duration_s")
        if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, int | float)
                                     or not 0 <= seconds <= MAX_SECONDS):
            raise BadRequest(N_("\"duration_s\" must be a number of seconds."), code="malformed_event")
        for key in ("recording_url", "transcript"):
            if payload.get(key) is not None and not isinstance(payload[key], str):
                raise BadRequest(N_("\"recording_url\" and \"transcript\" must be strings."), code="malformed_event")
        e164(payload.get("from"))
        started_at(payload)
        return str(event_id).strip()

    def parse(self, channel: Channel, payload: dict[str, Any]) -> Parsed:
        """One worded message in the current locale (the channel service sets the brand's default), carrying
        the call for the conversation's call log."""
        number = e164(payload["from"])
        event_id = str(payload["id"]).strip()
        seconds = int(payload.get("duration_s") or 0)
        call = InboundCall(direction=CallDirection.inbound, outcome=OUTCOMES[payload["type"]], number=number,
                           external_id=event_id, started_at=started_at(payload), duration_s=seconds,
                           recording_url=_text(payload.get("recording_url"))[:1000] or None,
                           transcript=_text(payload.get("transcript")) or None)
        if payload["type"] == "missed_call":
            text = gettext(MISSED_CALL) % {"number": phone.readable(number)}
        else:
            label = VOICEMAIL if payload["type"] == "voicemail" else CALL_COMPLETED
            text = gettext(label) % {"duration": duration(seconds)}
            if transcript := _text(payload.get("transcript")):
                text = f"{text}: {transcript}"
            if url := _text(payload.get("recording_url")):
                text = f"{text} — {gettext(RECORDING) % {'url': url}}"
        return Parsed([InboundMessage(sender_id=number, external_id=event_id, text=text,
                                      sender_name=phone.readable(number), call=call)])

    async def send(self, channel: Channel, recipient: str, text: str, client: httpx.AsyncClient) -> OutboundResult:
        raise SendError(NO_REPLY, retryable=False)

    async def fetch(self, channel: Channel, ref: str, client: httpx.AsyncClient) -> bytes:
        raise SendError("phone events carry no attachments; the recording stays at the provider", retryable=False)
