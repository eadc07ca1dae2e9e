"""Background jobs of the channel pipeline, and the sweep for stranded inbound events."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.channels.base import DELIVER_JOB, PROCESS_INBOUND_JOB
from croupier.channels.batch import process_batch
from croupier.channels.service import channel_service
from croupier.db import Database
from croupier.kit.clock import utcnow
from croupier.models import InboundEvent, InboundState, Job, JobState
from croupier.worker.queue import enqueue

STRANDED_AFTER = timedelta(minutes=2)


class ProcessInbound:
    async def __call__(self, db: Database, payload: dict[str, Any]) -> None:
        await channel_service.process_inbound(db, int(payload["event_id"]))

    def can_batch(self, db: Database) -> bool:
        return not db.sqlite

    async def run_batch(self, db: Database, jobs: list[tuple[int, dict[str, Any]]]) -> tuple[set[int], set[int]]:
        """A backlog's common case, set-based (channels/batch.py); the rest runs one by one."""
        return await process_batch(db, jobs)

    async def on_dead(self, db: Database, payload: dict[str, Any], reason: str) -> None:
        await channel_service.mark_event_failed(db, int(payload["event_id"]), reason)


class Deliver:
    async def __call__(self, db: Database, payload: dict[str, Any]) -> None:
        await channel_service.deliver(db, int(payload["message_id"]))

    async def on_dead(self, db: Database, payload: dict[str, Any], reason: str) -> None:
        await channel_service.mark_failed(db, int(payload["message_id"]), reason)


HANDLERS = {PROCESS_INBOUND_JOB: ProcessInbound(), DELIVER_JOB: Deliver()}


async def requeue_stranded_events(session: AsyncSession) -> int:
    """Pending events with no live job (e.g. a job row lost to an operator's cleanup) are queued again."""
    stranded = list(await session.scalars(select(InboundEvent.id).where(
        InboundEvent.state == InboundState.pending, InboundEvent.received_at < utcnow() - STRANDED_AFTER)
        .order_by(InboundEvent.id).limit(200)))
    if not stranded:
        return 0
    live = {int(p.get("event_id", 0)) for p in await session.scalars(select(Job.payload).where(
        Job.kind == PROCESS_INBOUND_JOB, Job.state.in_((JobState.queued, JobState.running))))}
    missing = [eid for eid in stranded if eid not in live]
    for event_id in missing:
        enqueue(session, PROCESS_INBOUND_JOB, {"event_id": event_id})
    return len(missing)
