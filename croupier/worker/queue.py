"""The durable job queue: enqueue inside a transaction, claim with a lease, retry with backoff.

A job enqueued in a transaction that rolls back never existed. A job whose worker died (lease
expired while `running`) is claimed again, so handlers must be idempotent."""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.db import on_commit
from croupier.kit.clock import utcnow
from croupier.models import Job, JobState

LEASE = timedelta(minutes=5)
_wakeup = asyncio.Event()


class RetryLater(Exception):  # noqa: N818 - a signal, not an error
    """Raised by a handler: try again after `seconds` (e.g. a provider's Retry-After)."""

    def __init__(self, reason: str, seconds: float | None = None) -> None:
        super().__init__(reason)
        self.reason, self.seconds = reason, seconds


class GiveUp(Exception):  # noqa: N818 - a signal, not an error
    """Raised by a handler: this job can never succeed (e.g. the provider refused it for good)."""


def enqueue(session: AsyncSession, kind: str, payload: dict[str, Any], *, max_attempts: int = 8,
            run_after: datetime | None = None) -> Job:
    job = Job(kind=kind, payload=payload, state=JobState.queued, attempts=0, max_attempts=max_attempts,
              run_after=run_after or utcnow())
    session.add(job)
    on_commit(session, _wakeup.set)
    return job


def wake() -> None:
    """Jobs were committed outside `enqueue` (a fast path's own statement): let this process's lanes look."""
    _wakeup.set()


def backoff(attempts: int) -> float:
    """Seconds before attempt n+1: 1, 2, 4 … capped at 10 minutes."""
    return float(min(600, 2 ** max(0, attempts - 1)))


async def claim(session: AsyncSession) -> Job | None:
    """Take the next due job (or one whose worker's lease expired) and mark it running."""
    jobs = await claim_many(session, 1)
    return jobs[0] if jobs else None


async def claim_many(session: AsyncSession, limit: int, kinds: Collection[str] = ()) -> list[Job]:
    """Take up to `limit` due jobs (of `kinds`, if given), oldest first, and mark them running (one query for a
    backlog's worth)."""
    now = utcnow()
    query = (select(Job).where(or_(
        (Job.state == JobState.queued) & (Job.run_after <= now),
        (Job.state == JobState.running) & (Job.locked_at <= now - LEASE),
    )).order_by(Job.run_after, Job.id).limit(limit))
    if kinds:
        query = query.where(Job.kind.in_(kinds))
    if session.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    jobs = list(await session.scalars(query))
    for job in jobs:
        job.state, job.locked_at, job.attempts = JobState.running, now, job.attempts + 1
    return jobs


def release(job: Job) -> None:
    """Give back a claimed job this worker has not started: due again at once, the attempt not counted."""
    if job.state == JobState.running:
        job.state, job.locked_at, job.attempts = JobState.queued, None, max(0, job.attempts - 1)


def finish(job: Job) -> None:
    job.state, job.locked_at, job.last_error = JobState.done, None, None


def fail(job: Job, reason: str, *, retry_in: float | None = None, permanent: bool = False) -> None:
    job.last_error = reason[:2000]
    job.locked_at = None
    if permanent or job.attempts >= job.max_attempts:
        job.state = JobState.dead
    else:
        job.state = JobState.queued
        job.run_after = utcnow() + timedelta(seconds=retry_in if retry_in is not None else backoff(job.attempts))


async def wait_for_work(timeout: float) -> None:
    try:
        await asyncio.wait_for(_wakeup.wait(), timeout)
    except TimeoutError:
        pass
    _wakeup.clear()
