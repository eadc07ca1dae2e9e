"""The durable job queue: enqueued with the transaction, retried with backoff, leases recovered."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from croupier.channels.tasks import requeue_stranded_events
from croupier.kit.clock import utcnow
from croupier.models import Channel, InboundEvent, InboundState, Job, JobState
from croupier.worker import queue
from croupier.worker import runner as runner_module
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

    async def test_a_lane_with_a_backlog_goes_on_without_waiting_for_a_wake_up(self, db, monkeypatch):
        monkeypatch.setattr(runner_module, "RUN_LIMIT", 5)
        ran = []

        async def work(_db, payload):
            ran.append(payload["n"])

        async with db.transaction() as s:
            for n in range(23):
                queue.enqueue(s, "test.work", {"n": n})
        queue._wakeup.clear()
        runner = Runner(db, tasks=[], handlers={"test.work": work}, poll_seconds=60)  # a wake-up never comes
        runner.start()
        try:
            for _ in range(200):
                if len(ran) == 23:
                    break
                await asyncio.sleep(0.05)
        finally:
            await runner.stop()
        assert sorted(ran) == list(range(23))

    async def test_a_backlog_is_claimed_a_batch_at_a_time_oldest_first(self, db):
        async with db.transaction() as s:
            for n in range(6):
                queue.enqueue(s, "test.work", {"n": n})
        async with db.transaction() as s:
            first = await queue.claim_many(s, 4)
        async with db.transaction() as s:
            rest = await queue.claim_many(s, 4)
        async with db.transaction() as s:
            assert await queue.claim_many(s, 4) == []
        assert [j.payload["n"] for j in first] == [0, 1, 2, 3] and [j.payload["n"] for j in rest] == [4, 5]
        assert {(j.state, j.attempts) for j in first + rest} == {(JobState.running, 1)}

    async def test_a_slow_batch_hands_its_unstarted_jobs_back_uncounted(self, db, monkeypatch):
        from croupier.worker import runner as runner_module

        monkeypatch.setattr(runner_module, "BATCH_SECONDS", 0.05)
        seen = []

        async def slow(_db, payload):
            async with db.transaction() as s:
                seen.append({j.payload["n"]: (j.state.value, j.locked_at) for j in await s.scalars(select(Job))})
            await asyncio.sleep(0.1)

        async with db.transaction() as s:
            for n in range(3):
                queue.enqueue(s, "test.slow", {"n": n})
        assert await Runner(db, tasks=[], handlers={"test.slow": slow}).run_due_jobs() == 3
        # one batch claimed all three; after the first (slow) job the other two went back to the queue and
        # were claimed again (a later lease), their attempt not counted twice
        assert [state for state, _ in seen[0].values()] == ["running"] * 3
        assert seen[1][0][0] == "done" and seen[1][2][0] == "running" and seen[1][2][1] > seen[0][2][1]
        async with db.transaction() as s:
            jobs = list(await s.scalars(select(Job).order_by(Job.id)))
        assert [(j.state, j.attempts) for j in jobs] == [(JobState.done, 1)] * 3

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
