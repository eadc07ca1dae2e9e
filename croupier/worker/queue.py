"""The durable job queue: enqueue inside a transaction, claim with a lease, retry with backoff.

A job enqueued in a transaction that rolls back never existed. A job whose worker died (lease
expired while `running`) is claimed again, so handlers must be idempotent."""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.db import on_commit
from croupier.kit.clock import utcnow
from croupier.models import Job, JobState

if TYPE_CHECKING:
    from croupier.db import Database

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


# PostgreSQL: claim_many's claim in one statement, without the ORM (every job passes through it). $3 jobs of any
# kind (of $4 if not empty), oldest first; and among the next $6, those of a batching kind ($5) that the first $3
# include, for their handler to run together.
_CLAIM = """
WITH due AS (
    SELECT id, kind, run_after FROM jobs
    WHERE ((state = 'queued' AND run_after <= $1) OR (state = 'running' AND locked_at <= $2))
      AND (cardinality($4::text[]) = 0 OR kind = ANY($4::text[]))
    ORDER BY run_after, id LIMIT $3::int + $6::int
    FOR UPDATE SKIP LOCKED
), ranked AS (
    SELECT id, kind, row_number() OVER (ORDER BY run_after, id) AS r FROM due
), chosen AS (
    SELECT id FROM ranked
    WHERE r <= $3::int OR kind IN (SELECT kind FROM ranked WHERE r <= $3::int AND kind = ANY($5::text[]))
)
UPDATE jobs j SET state = 'running', locked_at = $1, attempts = j.attempts + 1
FROM chosen WHERE j.id = chosen.id
RETURNING j.id, j.kind, j.payload, j.run_after
"""


async def claim_due(db: Database, limit: int, kinds: Collection[str] = (), *, more: int = 0,
                    more_of: Collection[str] = ()) -> list[tuple[int, str, dict[str, Any]]]:
    """`claim_many` in a transaction of its own: (id, kind, payload) of the jobs claimed, oldest first; and when
    those include jobs of a kind in `more_of`, up to `more` more of that kind (on PostgreSQL in the same
    statement)."""
    if db.sqlite:
        async with db.transaction() as session:
            jobs = [(job.id, job.kind, dict(job.payload)) for job in await claim_many(session, limit, kinds)]
        extra = {kind for _id, kind, _payload in jobs if kind in more_of}
        if extra and more:
            jobs += await claim_due(db, more, extra)
        return jobs
    now = utcnow()
    async with db.engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        rows = await raw.fetch(_CLAIM, now, now - LEASE, limit, list(kinds), list(more_of), more if more_of else 0)
    return [(row["id"], row["kind"], orjson.loads(row["payload"]) if isinstance(row["payload"], str)
             else dict(row["payload"])) for row in sorted(rows, key=lambda r: (r["run_after"], r["id"]))]


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
