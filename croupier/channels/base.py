"""What every channel adapter provides, and what it hands back. `verify`, `external_id` and `parse`
are pure (no I/O); `send` and `fetch` talk to the provider."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import httpx

from croupier.models import CallDirection, CallOutcome, Channel, DeliveryState

PROCESS_INBOUND_JOB = "channels.process_inbound"
DELIVER_JOB = "channels.deliver"


@dataclass(frozen=True)
class InboundAttachment:
    ref: str  # the provider's handle for the file, resolved by `fetch`
    filename: str
    content: bytes | None = None  # the file itself when the payload carries it (email): nothing to fetch


@dataclass(frozen=True)
class InboundCall:
    """A phone call the provider reports with its message; logged on the conversation (call log)."""

    direction: CallDirection
    outcome: CallOutcome
    number: str  # E.164
    external_id: str
    started_at: datetime | None = None
    duration_s: int = 0
    recording_url: str | None = None
    transcript: str | None = None


@dataclass(frozen=True)
class InboundMessage:
    sender_id: str  # where replies go (the identity's external id)
    external_id: str  # the provider's message id
    text: str
    sender_name: str | None = None
    locale: str | None = None
    attachments: tuple[InboundAttachment, ...] = ()
    player_external_id: str | None = None  # the operator's own player id, when the provider is the operator
    call: InboundCall | None = None  # phone channel: the call this message reports
    # Email-like channels: a message continues the conversation holding one of the provider ids it answers
    # (`thread`) or the conversation its reply address proves (`conversation_id`); otherwise it opens a new one.
    separate_threads: bool = False
    thread: tuple[str, ...] = ()
    conversation_id: int | None = None
    subject: str | None = None  # the subject of the conversation it opens
    email: str | None = None  # the sender's email address, kept on a new player


@dataclass(frozen=True)
class DeliveryUpdate:
    """A provider's status callback for one of our outbound messages (matched by its external id)."""

    external_id: str
    state: DeliveryState  # sent, delivered, read or failed
    reason: str | None = None  # the provider's words, for failed


@dataclass
class Parsed:
    messages: list[InboundMessage] = field(default_factory=list)
    updates: list[DeliveryUpdate] = field(default_factory=list)


@dataclass(frozen=True)
class OutboundResult:
    external_id: str | None


@dataclass(frozen=True)
class OutboundMessage:
    """A stored agent reply, for adapters whose provider needs more than recipient and text (see `SendsMessages`)."""

    id: int
    conversation_id: int
    recipient: str
    text: str
    created_at: datetime
    last_player_message_at: datetime | None = None  # for providers' customer-service windows (WhatsApp)
    subject: str | None = None  # the conversation's subject (email)
    thread: tuple[str, ...] = ()  # external ids of the conversation's earlier messages, oldest first (email)
    automatic: bool = False  # written by the assistant or the system, not by a person


class SendError(Exception):
    """A send that failed: `retryable` for network errors, 5xx and 429 (with the provider's Retry-After)."""

    def __init__(self, reason: str, *, retryable: bool, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason, self.retryable, self.retry_after = reason, retryable, retry_after


class ChannelAdapter(Protocol):
    def verify(self, channel: Channel, headers: dict[str, str], body: bytes) -> None:
        """Raise Unauthorized/Forbidden unless the request really comes from the provider."""

    def external_id(self, payload: dict[str, Any]) -> str:
        """The provider's unique id of this webhook delivery (replays carry the same one)."""

    def parse(self, channel: Channel, payload: dict[str, Any]) -> Parsed:
        """The player messages in the payload; unsupported content becomes a marked placeholder."""

    async def send(self, channel: Channel, recipient: str, text: str, client: httpx.AsyncClient) -> OutboundResult:
        """Deliver `text` to `recipient`; raise SendError on failure."""

    async def fetch(self, channel: Channel, ref: str, client: httpx.AsyncClient) -> bytes:
        """Download an inbound attachment."""


class SendsMessages(Protocol):
    """Optional: adapters that have it are given the whole stored message (id for an idempotency key …)."""

    async def send_message(self, channel: Channel, message: OutboundMessage, client: httpx.AsyncClient
                           ) -> OutboundResult:
        """Deliver the stored `message`; raise SendError on failure."""


class Handshakes(Protocol):
    """Optional: providers that verify the webhook address with a GET (Meta's hub.challenge)."""

    def handshake(self, channel: Channel, query: dict[str, str]) -> str:
        """The plain-text answer to the provider's verification request; raise Forbidden if it is not theirs."""
