"""Runs each registered periodic task on its interval, each run in its own transaction.

Tasks must be idempotent: with several processes, each runs them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from croupier.db import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    name: str
    every_seconds: float
    run: Callable[[AsyncSession], Awaitable[int]]


def periodic_tasks() -> list[Periodic]:
    from croupier.conversation.tasks import wake_snoozed

    return [Periodic("conversations.wake_snoozed", 30, wake_snoozed)]


class Runner:
    def __init__(self, db: Database, tasks: list[Periodic] | None = None) -> None:
        self.db = db
        self.tasks = tasks if tasks is not None else periodic_tasks()
        self._running: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._running = [asyncio.create_task(self._loop(t), name=f"periodic:{t.name}") for t in self.tasks]

    async def stop(self) -> None:
        for task in self._running:
            task.cancel()
        for task in self._running:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def run_once(self, task: Periodic) -> int:
        async with self.db.transaction() as session:
            return await task.run(session)

    async def _loop(self, task: Periodic) -> None:
        while True:
            try:
                await self.run_once(task)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("periodic task %s failed", task.name)
            await asyncio.sleep(task.every_seconds)
