"""The channel pipeline: accept a verified webhook (store, enqueue, then acknowledge), process it into
player -> conversation -> message in a job, and deliver agents' replies through the adapter."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.brand import repository as brands
from croupier.call.service import call_service
from croupier.channels.base import (
    PROCESS_INBOUND_JOB,
    ChannelAdapter,
    DeliveryUpdate,
    InboundMessage,
    OutboundMessage,
    Parsed,
    SendError,
)
from croupier.channels.registry import ADAPTERS
from croupier.conversation import attachments
from croupier.conversation.attachments import StoredFile
from croupier.conversation.service import conversation_service
from croupier.db import Database
from croupier.errors import BadRequest, CroupierError, NotFound
from croupier.kit import i18n
from croupier.kit.clock import utcnow
from croupier.kit.i18n import N_
from croupier.live import LiveEvent, publish_after_commit
from croupier.models import (
    AuthorType,
    Brand,
    Channel,
    Conversation,
    DeliveryState,
    InboundEvent,
    InboundState,
    Message,
    PlayerIdentity,
    Status,
)
from croupier.player.service import player_service
from croupier.worker.queue import RetryLater, enqueue

PROGRESS = {DeliveryState.pending: 0, DeliveryState.sent: 1, DeliveryState.delivered: 2, DeliveryState.read: 3}


def adapter_for(channel: Channel) -> ChannelAdapter:
    adapter = ADAPTERS.get(channel.type)
    if adapter is None:
        raise NotFound(N_("This channel does not take webhooks."), code="unknown_channel")
    return adapter


class ChannelService:
    def __init__(self) -> None:
        self._client: httpx.AsyncClient | None = None

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=5.0))
        return self._client

    # -- inbound -------------------------------------------------------------------
    async def handshake(self, session: AsyncSession, key: str, query: dict[str, str]) -> str:
        """The provider's GET verification of the webhook address (base.Handshakes), answered by the adapter."""
        channel = await brands.channel_by_key(session, key)
        if channel is None or not channel.is_active:
            raise NotFound(N_("There is no active channel at this address."), code="unknown_channel")
        handshake = getattr(adapter_for(channel), "handshake", None)
        if handshake is None:
            raise CroupierError(N_("This channel does not verify its webhook address with a GET request."),
                                code="no_handshake", status_code=405)
        return handshake(channel, query)

    async def accept(self, session: AsyncSession, key: str, headers: dict[str, str], body: bytes
                     ) -> tuple[InboundEvent, bool]:
        """Verify and store a webhook delivery; (event, False) for a replay. Nothing is stored unless verified."""
        channel = await brands.channel_by_key(session, key)
        if channel is None or not channel.is_active:
            raise NotFound(N_("There is no active channel at this address."), code="unknown_channel")
        adapter = adapter_for(channel)
        adapter.verify(channel, headers, body)
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise BadRequest(N_("The request body is not valid JSON."), code="malformed_json") from exc
        if not isinstance(payload, dict):
            raise BadRequest(N_("The webhook payload must be a JSON object."), code="malformed_payload")
        return await self.store_event(session, channel, adapter.external_id(payload), payload)

    async def store_event(self, session: AsyncSession, channel: Channel, external_id: str, payload: dict[str, Any]
                          ) -> tuple[InboundEvent, bool]:
        """Store a received event once per (channel, external id) with its processing job; (event, False) for
        a replay. The caller commits before acknowledging the provider (webhook 200, SMTP 250, IMAP flag)."""
        external_id = external_id[:256]
        found = await self._event(session, channel.id, external_id)
        if found is not None:
            return found, False
        event = InboundEvent(channel_id=channel.id, external_id=external_id, payload=payload,
                             state=InboundState.pending)
        try:
            async with session.begin_nested():
                session.add(event)
        except IntegrityError:  # the same delivery raced in on another connection
            return await self._event(session, channel.id, external_id), False  # type: ignore[return-value]
        enqueue(session, PROCESS_INBOUND_JOB, {"event_id": event.id})
        return event, True

    async def process_inbound(self, db: Database, event_id: int) -> None:
        """Parse the stored event and write its messages and status updates. Attachments to download are
        fetched between two transactions (no network inside one); a text-only event takes one."""
        async with db.transaction() as session:
            event = await session.get(InboundEvent, event_id)
            if event is None or event.state == InboundState.handled:
                return
            channel = await session.get(Channel, event.channel_id)
            adapter = adapter_for(channel)
            brand_locale = await session.scalar(select(Brand.default_locale).where(Brand.id == channel.brand_id))
            token = i18n.current_locale.set(brand_locale or i18n.SOURCE_LOCALE)  # adapters' own wording
            try:
                parsed = adapter.parse(channel, event.payload)
            finally:
                i18n.current_locale.reset(token)
            if not any(att.content is None for m in parsed.messages for att in m.attachments):
                files = [await self._fetch_all(adapter, channel, m) for m in parsed.messages]  # no network
                await self._write(session, event, channel, parsed, files)
                return
        files = [await self._fetch_all(adapter, channel, m) for m in parsed.messages]  # network, no transaction
        async with db.transaction() as session:
            event = await session.get(InboundEvent, event_id)
            if event is None or event.state == InboundState.handled:
                return
            channel = await session.get(Channel, event.channel_id)
            await self._write(session, event, channel, parsed, files)

    async def _write(self, session: AsyncSession, event: InboundEvent, channel: Channel, parsed: Parsed,
                     files: list[tuple[list[StoredFile], list[str]]]) -> None:
        for message, (stored, notes) in zip(parsed.messages, files, strict=True):
            locale = i18n.normalize(message.locale)
            identity = await player_service.resolve_identity(session, channel, message.sender_id,
                                                             display_name=message.sender_name, locale=locale,
                                                             player_external_id=message.player_external_id,
                                                             email=message.email)
            body = "\n".join([message.text, *notes]).strip()
            current, fresh = await self._thread(session, channel, message)
            stored_message, created = await conversation_service.receive(
                session, channel=channel, identity=identity, body=body, files=tuple(stored), language=locale,
                external_id=message.external_id, client_id=f"ext-{message.external_id}"[:64],
                current=current, fresh=fresh, subject=message.subject)
            if message.call is not None and created:
                await call_service.record(session, stored_message.conversation_id, message.call)
        for update in parsed.updates:
            await self._apply_update(session, channel, update)
        event.state, event.handled_at, event.error = InboundState.handled, utcnow(), None

    async def _thread(self, session: AsyncSession, channel: Channel, message: InboundMessage
                      ) -> tuple[Conversation | None, bool]:
        """(conversation to continue, open a new one) for email-like channels; (None, False) lets the identity's
        current conversation take the message. A closed conversation is never continued."""
        if not message.separate_threads:
            return None, False
        known = [*message.thread[-20:], message.external_id]  # the message itself: parsed again, not twice
        conversation_id = await session.scalar(
            select(Message.conversation_id).join(Conversation, Conversation.id == Message.conversation_id)
            .where(Conversation.channel_id == channel.id, Message.external_id.in_(known))
            .order_by(Message.id.desc()).limit(1)) or message.conversation_id
        conversation = await session.get(Conversation, conversation_id) if conversation_id else None
        if conversation is None or conversation.channel_id != channel.id or conversation.status == Status.closed:
            return None, True
        return conversation, False

    async def _apply_update(self, session: AsyncSession, channel: Channel, update: DeliveryUpdate) -> None:
        """A provider's status callback: sent -> delivered -> read only move forward; failed keeps the reason."""
        message = await session.scalar(
            select(Message).join(Conversation, Conversation.id == Message.conversation_id)
            .where(Conversation.channel_id == channel.id, Message.external_id == update.external_id,
                   Message.author_type != AuthorType.player).limit(1))
        if message is None or message.delivery_state is None:
            return  # not one of ours (sent from another tool), or a note
        if update.state == DeliveryState.failed:
            if message.delivery_state not in (DeliveryState.pending, DeliveryState.sent):
                return
            reason: str | None = (update.reason or "failed")[:500]
        elif PROGRESS.get(update.state, -1) > PROGRESS.get(message.delivery_state, 9):
            reason = None
        else:
            return
        message.delivery_state, message.failure_reason = update.state, reason
        conversation = await session.get(Conversation, message.conversation_id)
        publish_after_commit(session, LiveEvent(
            type="message.updated", brand_id=conversation.brand_id, conversation_id=conversation.id,
            data={"message_id": message.id, "delivery_state": update.state.value, "failure_reason": reason}))

    async def _fetch_all(self, adapter: ChannelAdapter, channel: Channel, message: InboundMessage
                         ) -> tuple[list[StoredFile], list[str]]:
        stored, notes = [], []
        for att in message.attachments:
            try:
                content = att.content if att.content is not None else await adapter.fetch(channel, att.ref,
                                                                                           self.client)
                stored.append(attachments.store(att.filename, content))
            except SendError as exc:
                if exc.retryable:
                    raise RetryLater(exc.reason, exc.retry_after) from exc
                notes.append(f"[{att.filename}: {exc.reason}]")
            except CroupierError as exc:  # too large, refused type: the message is kept, marked
                notes.append(f"[{att.filename}: {exc.render()}]")
        return stored, notes

    async def mark_event_failed(self, db: Database, event_id: int, reason: str) -> None:
        async with db.transaction() as session:
            event = await session.get(InboundEvent, event_id)
            if event is not None and event.state != InboundState.handled:
                event.state, event.error = InboundState.failed, reason[:2000]

    # -- outbound ------------------------------------------------------------------
    async def deliver(self, db: Database, message_id: int) -> None:
        async with db.transaction() as session:
            row = (await session.execute(
                select(Message, Conversation, Channel, PlayerIdentity)
                .join(Conversation, Conversation.id == Message.conversation_id)
                .join(Channel, Channel.id == Conversation.channel_id)
                .join(PlayerIdentity, PlayerIdentity.id == Conversation.identity_id)
                .where(Message.id == message_id))).first()
            if row is None or row[0].delivery_state != DeliveryState.pending:
                return  # already sent (a retried job after a crash) or withdrawn: never send twice
            message, conversation, channel, identity = row
            thread = await session.scalars(
                select(Message.external_id).where(Message.conversation_id == conversation.id, Message.id < message.id,
                                                  Message.external_id.is_not(None))
                .order_by(Message.id.desc()).limit(20))
            outbound = OutboundMessage(id=message.id, conversation_id=message.conversation_id,
                                       recipient=identity.external_id, text=message.body, created_at=message.created_at,
                                       last_player_message_at=conversation.last_player_message_at,
                                       subject=conversation.subject, thread=tuple(reversed(list(thread))),
                                       automatic=message.author_type in (AuthorType.assistant, AuthorType.system))
        adapter = adapter_for(channel)
        send_message = getattr(adapter, "send_message", None)  # base.SendsMessages
        try:
            if send_message is not None:
                result = await send_message(channel, outbound, self.client)
            else:
                result = await adapter.send(channel, outbound.recipient, outbound.text, self.client)
        except SendError as exc:
            if exc.retryable:
                await self._set_state(db, message_id, DeliveryState.pending, exc.reason)
                raise RetryLater(exc.reason, exc.retry_after) from exc
            await self._set_state(db, message_id, DeliveryState.failed, exc.reason)
            return
        await self._set_state(db, message_id, DeliveryState.sent, None, result.external_id)

    async def _set_state(self, db: Database, message_id: int, state: DeliveryState, reason: str | None,
                         external_id: str | None = None) -> None:
        async with db.transaction() as session:
            message = await session.get(Message, message_id)
            if message is None:
                return
            message.delivery_state, message.failure_reason = state, (reason or None) and reason[:500]
            if external_id:
                message.external_id = external_id
            conversation = await session.get(Conversation, message.conversation_id)
            publish_after_commit(session, LiveEvent(
                type="message.updated", brand_id=conversation.brand_id, conversation_id=conversation.id,
                data={"message_id": message.id, "delivery_state": state.value, "failure_reason": reason}))

    async def mark_failed(self, db: Database, message_id: int, reason: str) -> None:
        await self._set_state(db, message_id, DeliveryState.failed, reason)

    async def _event(self, session: AsyncSession, channel_id: int, external_id: str) -> InboundEvent | None:
        return await session.scalar(select(InboundEvent).where(InboundEvent.channel_id == channel_id,
                                                               InboundEvent.external_id == external_id))


channel_service = ChannelService()
