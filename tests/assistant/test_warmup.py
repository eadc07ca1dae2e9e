"""Warming the built-in intent model when the worker starts (croupier/worker/warmup.py): in a background
thread, only when some brand uses the assistant or turns it on, without holding up the start."""

from __future__ import annotations

import asyncio
import threading

import pytest

from croupier.assistant import builtin
from croupier.assistant import settings as assistant_settings
from croupier.models import Role
from croupier.worker import warmup
from croupier.worker.runner import Runner
from tests.factories import api_token, make_brand, make_user


class FakeModel:
    """Stands in for builtin_model(): records the thread it ran in and waits until released."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.started = threading.Event()
        self.release = threading.Event()

    def __call__(self) -> object:
        self.calls.append(threading.current_thread().name)
        self.started.set()
        self.release.wait(10)
        return object()


@pytest.fixture
def model(monkeypatch):
    fake = FakeModel()
    monkeypatch.setattr(builtin, "builtin_model", fake)
    monkeypatch.setattr(warmup, "_thread", None)
    monkeypatch.setattr(warmup, "_workers", 0)
    yield fake
    fake.release.set()
    if warmup._thread is not None:
        warmup._thread.join(5)


async def enabled_brand(db, enabled: bool = True):  # noqa: ANN001
    brand, _channel = await make_brand(db)
    async with db.transaction() as s:
        await assistant_settings.configure(s, brand.id, enabled=enabled)
    return brand


def warm_task(runner: Runner) -> asyncio.Task | None:
    return next((t for t in runner._running if t.get_name() == "assistant:warm-up"), None)


async def test_the_worker_starts_warming_in_a_thread_and_does_not_wait_for_it(db, model):
    await enabled_brand(db)
    runner = Runner(db, tasks=[])
    runner.start()
    try:
        task = warm_task(runner)
        assert task is not None
        assert await asyncio.wait_for(task, 5) is True  # the thread is started, not waited for
        assert await asyncio.to_thread(model.started.wait, 5)
        assert model.calls == ["assistant-warm-up"] and not model.release.is_set()  # still "training"
        assert await runner.run_due_jobs() == 0  # the worker goes on meanwhile
        warmup.start()
        assert len(model.calls) == 1  # once per process
    finally:
        model.release.set()
        await runner.stop()


async def test_nothing_is_warmed_while_no_brand_uses_the_assistant(db, model):
    await enabled_brand(db, enabled=False)
    runner = Runner(db, tasks=[])
    runner.start()
    try:
        assert await asyncio.wait_for(warm_task(runner), 5) is False
    finally:
        await runner.stop()
    assert model.calls == [] and warmup._thread is None


async def test_a_worker_without_the_assistants_jobs_warms_nothing(db, model):
    await enabled_brand(db)
    runner = Runner(db, tasks=[], handlers={})
    runner.start()
    try:
        assert warm_task(runner) is None
    finally:
        await runner.stop()
    assert model.calls == []


async def test_turning_the_assistant_on_warms_it_where_the_worker_runs(client, db, model):
    brand = await enabled_brand(db, enabled=False)
    token = await api_token(db, await make_user(db, "admin@lucky.test", Role.admin))
    headers = {"Authorization": f"Bearer {token}"}
    r = await client.put(f"/api/v1/brands/{brand.id}/assistant", json={"enabled": True}, headers=headers)
    assert r.status_code == 200 and model.calls == []  # this test app runs no worker (CROUPIER_RUN_WORKER)
    warmup.worker_started()
    r = await client.put(f"/api/v1/brands/{brand.id}/assistant", json={"enabled": False}, headers=headers)
    assert r.status_code == 200 and model.calls == []  # turned off: nothing to warm
    r = await client.put(f"/api/v1/brands/{brand.id}/assistant", json={"enabled": True}, headers=headers)
    assert r.status_code == 200
    assert await asyncio.to_thread(model.started.wait, 5) and model.calls == ["assistant-warm-up"]
