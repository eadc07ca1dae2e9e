"""Test messages from the channel administration: a short text sent to a chat through the channel's
adapter by a job, whose outcome (sent, retrying, failed with the provider's reason) the console shows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.audit.service import audit_service
from croupier.auth.principal import Principal
from croupier.brand.service import brand_service
from croupier.channels.base import SendError
from croupier.channels.service import adapter_for, channel_service
from croupier.db import Database
from croupier.errors import BadRequest
from croupier.kit.i18n import N_
from croupier.models import Channel, ChannelType, Job
from croupier.worker.queue import GiveUp, RetryLater, enqueue

PROBE_JOB = "channels.test_message"
RECENT = 200


async def send_test(session: AsyncSession, principal: Principal, channel_id: int, recipient: str, text: str, *,
                    ip: str | None = None) -> Job:
    """Queue a test message to `recipient` (e.g. a Telegram chat id) on an active provider channel."""
    principal.require("brands:write")
    channel = await brand_service.channel(session, principal, channel_id)
    recipient = recipient.strip()
    if not recipient or len(recipient) > 100:
        raise BadRequest(N_("Enter the chat id to send the test message to."), code="recipient_missing")
    if channel.type == ChannelType.webchat or not channel.is_active:
        raise BadRequest(N_("Test messages go through active provider channels only."), code="channel_not_testable")
    adapter_for(channel)
    job = enqueue(session, PROBE_JOB, {"channel_id": channel.id, "recipient": recipient, "text": text},
                  max_attempts=3)
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
        try:
            await adapter_for(channel).send(channel, str(payload["recipient"]), str(payload["text"]),
                                            channel_service.client)
        except SendError as exc:
            if exc.retryable:
                raise RetryLater(exc.reason, exc.retry_after) from exc
            raise GiveUp(exc.reason) from exc


HANDLERS = {PROBE_JOB: SendTest()}
