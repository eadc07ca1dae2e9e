"""The durable job queue: enqueued with the transaction, retried with backoff, leases recovered."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from croupier.channels.tasks import requeue_stranded_events
from croupier.kit.clock import utcnow
from croupier.models import Channel, InboundEvent, InboundState, Job, JobState
from croupier.worker import queue
from croupier.worker.runner import Runner
from tests.factories import make_brand


class TestEnqueue:
    async def test_a_job_enqueued_in_a_rolled_back_transaction_never_exists(self, db):
        try:
            async with db.transaction() as s:
                queue.enqueue(s, "test.kind", {"n": 1})
                raise RuntimeError("boom")
        except RuntimeError:
            pass
        async with db.transaction() as s:
            assert await s.scalar(select(Job.id)) is None


class TestRunner:
    async def test_failures_are_retried_with_backoff_then_dead(self, db):
        calls = []

        async def flaky(_db, payload):
            calls.append(payload["n"])
            raise ConnectionError("peer down")

        async with db.transaction() as s:
            queue.enqueue(s, "test.flaky", {"n": 1}, max_attempts=2)
        runner = Runner(db, tasks=[], handlers={"test.flaky": flaky})
        assert await runner.run_due_jobs() == 1
        async with db.transaction() as s:
            job = await s.scalar(select(Job))
            assert job.state == JobState.queued and job.attempts == 1 and "peer down" in job.last_error
            assert job.run_after > utcnow()
            job.run_after = utcnow() - timedelta(seconds=1)
        await runner.run_due_jobs()
        async with db.transaction() as s:
            job = await s.scalar(select(Job))
        assert job.state == JobState.dead and calls == [1, 1]

    async def test_a_job_whose_worker_died_is_claimed_again_after_its_lease(self, db):
        done = []

        async def work(_db, payload):
            done.append(payload["n"])

        async with db.transaction() as s:
            queue.enqueue(s, "test.work", {"n": 7})
        async with db.transaction() as s:
            await queue.claim(s)  # a worker took it, then crashed
        runner = Runner(db, tasks=[], handlers={"test.work": work})
        assert await runner.run_due_jobs() == 0
        async with db.transaction() as s:
            (await s.scalar(select(Job))).locked_at = utcnow() - queue.LEASE - timedelta(seconds=1)
        assert await runner.run_due_jobs() == 1 and done == [7]

    async def test_lanes_run_jobs_side_by_side_each_exactly_once(self, db):
        started, running, most = [], 0, 0
        all_started = asyncio.Event()

        async def slow(_db, payload):
            nonlocal running, most
            started.append(payload["n"])
            running += 1
            most = max(most, running)
            if len(started) >= 4:
                all_started.set()
            await asyncio.sleep(0.05)  # a provider call: the other lanes go on meanwhile
            running -= 1

        async with db.transaction() as s:
            for n in range(12):
                queue.enqueue(s, "test.slow", {"n": n})
        runner = Runner(db, tasks=[], handlers={"test.slow": slow}, concurrency=4)
        runner.start()
        try:
            await asyncio.wait_for(all_started.wait(), 10)
            for _ in range(200):
                async with db.transaction() as s:
                    if set(await s.scalars(select(Job.state))) == {JobState.done}:
                        break
                await asyncio.sleep(0.05)
        finally:
            await runner.stop()
        assert sorted(started) == list(range(12)) and most > 1

    async def test_an_unknown_kind_is_dead_lettered_not_retried(self, db):
        async with db.transaction() as s:
            queue.enqueue(s, "test.nobody", {})
        await Runner(db, tasks=[], handlers={}).run_due_jobs()
        async with db.transaction() as s:
            assert (await s.scalar(select(Job))).state == JobState.dead


class TestStrandedSweep:
    async def test_pending_events_without_a_job_are_queued_again(self, db):
        brand, _ = await make_brand(db)
        async with db.transaction() as s:
            channel = (await s.scalars(select(Channel).where(Channel.brand_id == brand.id))).first()
            old = utcnow() - timedelta(minutes=5)
            s.add_all([InboundEvent(channel_id=channel.id, external_id="a", payload={}, received_at=old,
                                    state=InboundState.pending),
                       InboundEvent(channel_id=channel.id, external_id="b", payload={}, received_at=utcnow(),
                                    state=InboundState.pending),
                       InboundEvent(channel_id=channel.id, external_id="c", payload={}, received_at=old,
                                    state=InboundState.handled)])
        async with db.transaction() as s:
            assert await requeue_stranded_events(s) == 1
        async with db.transaction() as s:
            assert await requeue_stranded_events(s) == 0  # its job now exists
            jobs = list(await s.scalars(select(Job)))
        assert len(jobs) == 1 and jobs[0].kind == "channels.process_inbound"
