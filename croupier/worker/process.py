"""`croupier worker`: the job runner in a process of its own, beside web processes started with
CROUPIER_RUN_WORKER=false, so that jobs (inbound processing, deliveries, the assistant) do not share an
event loop with requests. Live events reach the web processes' streams through Redis."""

from __future__ import annotations

import asyncio
import signal

from croupier.config import Settings
from croupier.db import Database
from croupier.kit import gc as gc_tuning
from croupier.live import Hub, set_hub
from croupier.worker.runner import Runner

POLL_SECONDS = 0.05


async def run(settings: Settings, concurrency: int, ready: str | None = None) -> None:
    """Run jobs and periodic tasks until SIGTERM or SIGINT; finishes the jobs in hand first (as far as
    cancelling lets them: an unfinished job's lease runs out and another worker takes it)."""
    db = Database(settings)
    hub = Hub(settings.redis_url)
    await hub.start()
    set_hub(hub)
    # Jobs are queued by the web processes, whose wake-up signal does not reach this one: idle lanes look often.
    runner = Runner(db, concurrency=concurrency, poll_seconds=POLL_SECONDS)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    runner.start()
    gc_tuning.long_lived()
    gc_tuning.settle()
    if ready:
        print(ready, flush=True)
    try:
        await stop.wait()
    finally:
        await runner.stop()
        await hub.stop()
        set_hub(None)
        await db.dispose()
