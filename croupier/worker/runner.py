"""Runs durable jobs from the queue and periodic sweeps, each in its own transaction.

Periodic tasks must be idempotent: with several processes, each runs them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from croupier.db import Database
from croupier.models import Job
from croupier.worker import queue, warmup

log = logging.getLogger(__name__)
# A job handler opens its own transactions on the database it is given, so network calls (sending
# to a provider, downloading a file) never happen while a transaction holds locks.
Handler = Callable[[Database, dict[str, Any]], Awaitable[None]]
POLL_SECONDS = 1.0  # a lane with nothing to do looks again after this, or when this process queues a job
RUN_LIMIT = 100  # jobs a lane runs before it looks at its wake-up signal (it goes on at once if there are more)
# A lane claims up to this many due jobs in one query and runs them in turn: a backlog costs one claim per
# batch, not per job, while a short queue still spreads over the lanes.
CLAIM_BATCH = 4
BATCH_SECONDS = 0.5  # a batch whose jobs take longer than this hands its unstarted jobs back to the queue
# Handlers with `run_batch` (see BatchHandler) get a backlog of their jobs at once: up to this many more.
SET_BATCH = 64
ASSISTANT_JOB = "assistant.respond"  # its handler uses the built-in intent model, warmed at start (warmup.py)


class BatchHandler(Protocol):
    """A handler that can also do many jobs of its kind in a few set-based statements."""

    def can_batch(self, db: Database) -> bool:
        """Whether `run_batch` does anything on this database (else jobs run one by one)."""

    async def run_batch(self, db: Database, jobs: list[tuple[int, dict[str, Any]]]) -> tuple[set[int], set[int]]:
        """Do what it can of `jobs` ((job id, payload) pairs) and mark those jobs done in the same transaction;
        returns (their ids, the ids of jobs that must wait for one of the others). The others then run one by
        one through the handler, and the waiting ones come to `run_batch` again."""


@dataclass(frozen=True)
class Periodic:
    name: str
    every_seconds: float
    run: Callable[[AsyncSession], Awaitable[int]] | Callable[[Database], Awaitable[int]]
    # run gets the Database and opens its own transactions (network calls, e.g. IMAP, outside any of them)
    own_transactions: bool = False


def periodic_tasks() -> list[Periodic]:
    from croupier.channels.email.imap import POLL_EVERY, poll_mailboxes
    from croupier.channels.tasks import requeue_stranded_events
    from croupier.conversation.tasks import wake_snoozed

    return [Periodic("conversations.wake_snoozed", 30, wake_snoozed),
            Periodic("channels.requeue_stranded_events", 60, requeue_stranded_events),
            Periodic("channels.email.poll_mailboxes", POLL_EVERY, poll_mailboxes, own_transactions=True)]


def job_handlers() -> dict[str, Handler]:
    from croupier.assistant.pipeline import HANDLERS as assistant_jobs
    from croupier.channels.probe import HANDLERS as probe_jobs
    from croupier.channels.tasks import HANDLERS as channel_jobs

    return {**channel_jobs, **probe_jobs, **assistant_jobs}


class Runner:
    def __init__(self, db: Database, tasks: list[Periodic] | None = None,
                 handlers: dict[str, Handler] | None = None, concurrency: int = 1,
                 poll_seconds: float = POLL_SECONDS) -> None:
        self.db = db
        self.poll_seconds = poll_seconds
        self.concurrency = concurrency
        self.tasks = tasks if tasks is not None else periodic_tasks()
        self.handlers = handlers if handlers is not None else job_handlers()
        self._running: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._running = [asyncio.create_task(self._loop(t), name=f"periodic:{t.name}") for t in self.tasks]
        # Each lane claims a few jobs at a time and runs them in turn; a job is claimed by one lane only
        # (see queue.claim_many).
        self._running += [asyncio.create_task(self._jobs(), name=f"jobs:{n}") for n in range(self.concurrency)]
        if ASSISTANT_JOB in self.handlers:  # its model loads in a thread: start-up does not wait for it
            warmup.worker_started()
            self._running.append(asyncio.create_task(warmup.warm_if_enabled(self.db), name="assistant:warm-up"))

    async def stop(self) -> None:
        if ASSISTANT_JOB in self.handlers and self._running:
            warmup.worker_stopped()
        for task in self._running:
            task.cancel()
        for task in self._running:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def run_once(self, task: Periodic) -> int:
        if task.own_transactions:
            return await task.run(self.db)  # type: ignore[arg-type]
        async with self.db.transaction() as session:
            return await task.run(session)

    async def run_due_jobs(self, limit: int = RUN_LIMIT) -> int:
        """Run jobs until none is due (or `limit`); returns how many ran."""
        ran = 0
        while ran < limit:
            claimed = await self._claim(min(CLAIM_BATCH, limit - ran), max(0, limit - ran - CLAIM_BATCH))
            if not claimed:
                return ran
            for kind in {kind for _id, kind, _payload in claimed if self._batches(kind)}:
                ran += await self._run_batches(kind, [job for job in claimed if job[1] == kind])
            claimed = [job for job in claimed if not self._batches(job[1])]
            ran += await self._run_each(claimed)
        return ran

    async def _run_batches(self, kind: str, jobs: list[tuple[int, str, dict[str, Any]]]) -> int:
        """A batching handler's jobs: what it does set-based, the others one by one, until all are run (those
        it holds back wait for the one-by-one ones of the round, then come round again)."""
        ran = 0
        while jobs:
            done, later = await self._run_batch(kind, [(job_id, payload) for job_id, _kind, payload in jobs])
            now = [job for job in jobs if job[0] not in done and job[0] not in later]
            jobs = [job for job in jobs if job[0] in later]
            if not now and not done:
                now, jobs = jobs, []  # nothing for them to wait for (a handler's slip): one by one
            each = await self._run_each(now)
            ran += len(done) + each
            if each < len(now):  # out of time: the rest went back to the queue, and the waiting ones go too
                if jobs:
                    await self._release([job_id for job_id, _kind, _payload in jobs])
                return ran
        return ran

    async def _run_each(self, jobs: list[tuple[int, str, dict[str, Any]]]) -> int:
        """Jobs one by one; after BATCH_SECONDS the rest go back to the queue, for other lanes. How many ran."""
        started = time.monotonic()
        for n, (job_id, kind, payload) in enumerate(jobs):
            if n and time.monotonic() - started > BATCH_SECONDS:  # slow jobs: let the other lanes have the rest
                await self._release([job_id for job_id, _kind, _payload in jobs[n:]])
                return n
            await self._run(job_id, kind, payload)
        return len(jobs)

    def _batches(self, kind: str) -> bool:
        handler = self.handlers.get(kind)
        return hasattr(handler, "run_batch") and handler.can_batch(self.db)  # type: ignore[union-attr]

    async def _claim(self, limit: int, more: int) -> list[tuple[int, str, dict[str, Any]]]:
        """Due jobs, and when some are of a batching kind, up to `more` (at most SET_BATCH) more of that kind."""
        return await queue.claim_due(self.db, limit, more=min(more, SET_BATCH),
                                     more_of=[kind for kind in self.handlers if self._batches(kind)])

    async def _run_batch(self, kind: str, jobs: list[tuple[int, dict[str, Any]]]) -> tuple[set[int], set[int]]:
        try:
            return await self.handlers[kind].run_batch(self.db, jobs)  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - the jobs then run one by one, with their own retries
            log.exception("batch of %s %s jobs failed", len(jobs), kind)
            return set(), set()

    async def _release(self, job_ids: list[int]) -> None:
        async with self.db.transaction() as session:
            for job in await session.scalars(select(Job).where(Job.id.in_(job_ids))):
                queue.release(job)

    async def _run(self, job_id: int, kind: str, payload: dict[str, Any]) -> None:
        handler = self.handlers.get(kind)
        outcome: tuple[str, float | None, bool] | None = None
        dead = False
        try:
            if handler is None:
                raise queue.GiveUp(f"no handler for job kind {kind!r}")
            await handler(self.db, payload)
        except queue.RetryLater as exc:
            outcome = (exc.reason, exc.seconds, False)
        except queue.GiveUp as exc:
            outcome = (str(exc), None, True)
        except Exception as exc:  # noqa: BLE001 - any failure is retried, then dead-lettered
            log.exception("job %s (%s) failed", job_id, kind)
            outcome = (f"{type(exc).__name__}: {exc}", None, False)
        async with self.db.transaction() as session:
            job = await session.get(Job, job_id)
            if job is None:
                return
            if outcome is None:
                queue.finish(job)
            else:
                queue.fail(job, outcome[0], retry_in=outcome[1], permanent=outcome[2])
                dead = job.state.value == "dead"
        if dead and handler is not None and hasattr(handler, "on_dead"):
            await handler.on_dead(self.db, payload, outcome[0])

    async def _jobs(self) -> None:
        while True:
            try:
                if await self.run_due_jobs(RUN_LIMIT) >= RUN_LIMIT:
                    continue  # a backlog: no waiting
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("job loop failed")
            await queue.wait_for_work(self.poll_seconds)

    async def _loop(self, task: Periodic) -> None:
        while True:
            try:
                await self.run_once(task)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("periodic task %s failed", task.name)
            await asyncio.sleep(task.every_seconds)
