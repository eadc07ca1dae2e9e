"""Test messages from the channel administration: a short text sent to a recipient (a chat id, a WhatsApp
number, a player id …) through the channel's adapter by a job, whose outcome (sent, retrying, failed with
the provider's reason) the console shows. Adapters whose provider de-duplicates on a key (the API channel)
implement `SendsTests`; the others' `send` is used."""

from __future__ import annotations

import uuid
from typing import Any, Protocol

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.audit.service import audit_service
from croupier.auth.principal import Principal
from croupier.brand.service import brand_service
from croupier.channels.base import OutboundResult, SendError
from croupier.channels.registry import CONFIGS
from croupier.channels.service import adapter_for, channel_service
from croupier.db import Database
from croupier.errors import BadRequest
from croupier.kit.i18n import N_
from croupier.models import Channel, ChannelType, Job
from croupier.worker.queue import GiveUp, RetryLater, enqueue

PROBE_JOB = "channels.test_message"
RECENT = 200


class SendsTests(Protocol):
    """Optional: adapters that send the test message their own way, with a key that stays the same across
    the job's retries (the API channel's Idempotency-Key)."""

    async def send_test(self, channel: Channel, recipient: str, text: str, key: str, client: httpx.AsyncClient
                        ) -> OutboundResult:
        """Deliver the test message; raise SendError on failure."""


async def send_test(session: AsyncSession, principal: Principal, channel_id: int, recipient: str, text: str, *,
                    ip: str | None = None) -> Job:
    """Queue a test message to `recipient` (e.g. a Telegram chat id) on an active provider channel."""
    principal.require("brands:write")
    channel = await brand_service.channel(session, principal, channel_id)
    recipient = recipient.strip()
    config = CONFIGS.get(channel.type)
    if channel.type == ChannelType.webchat or not channel.is_active:
        raise BadRequest(N_("Test messages go through active provider channels only."), code="channel_not_testable")
    if config is None or config.test_recipient is None:
        raise BadRequest(N_("This channel cannot send messages, so it has no test message."),
                         code="channel_not_testable")
    if not recipient or len(recipient) > 100:
        raise BadRequest(N_("Enter who the test message goes to (at most 100 characters)."),
                         code="recipient_missing")
    adapter_for(channel)
    job = enqueue(session, PROBE_JOB, {"channel_id": channel.id, "recipient": recipient, "text": text,
                                       "key": uuid.uuid4().hex}, max_attempts=3)
    await audit_service.record(session, "channel.test_sent", principal=principal, target_type="channel",
                               target_id=channel.id, brand_id=channel.brand_id, ip=ip)
    return job


async def latest_tests(session: AsyncSession, channel_ids: list[int]) -> dict[int, Job]:
    """The most recent test message job of each of these channels."""
    found: dict[int, Job] = {}
    for job in await session.scalars(select(Job).where(Job.kind == PROBE_JOB).order_by(Job.id.desc()).limit(RECENT)):
        channel_id = int(job.payload.get("channel_id", 0))
        if channel_id in channel_ids:
            found.setdefault(channel_id, job)
    return found


class SendTest:
    async def __call__(self, db: Database, payload: dict[str, Any]) -> None:
        async with db.transaction() as session:
            channel = await session.get(Channel, int(payload["channel_id"]))
        if channel is None:
            raise GiveUp("the channel no longer exists")
        adapter = adapter_for(channel)
        recipient, text = str(payload["recipient"]), str(payload["text"])
        send_test = getattr(adapter, "send_test", None)  # SendsTests
        try:
            if send_test is not None:
                await send_test(channel, recipient, text, str(payload.get("key") or payload["channel_id"]),
                                channel_service.client)
            else:
                await adapter.send(channel, recipient, text, channel_service.client)
        except SendError as exc:
            if exc.retryable:
                raise RetryLater(exc.reason, exc.retry_after) from exc
            raise GiveUp(exc.reason) from exc


HANDLERS = {PROBE_JOB: SendTest()}
