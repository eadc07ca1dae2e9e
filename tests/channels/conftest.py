"""A real HTTP server on loopback for the live stream (httpx's in-process transport cannot stream).

It serves the test's own app in the test's event loop, so events published by services called from
the test reach the stream through the same live hub."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
import pytest
import uvicorn

from tests.servers import free_port


@pytest.fixture
async def live_url(app) -> AsyncIterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning",
                                           timeout_graceful_shutdown=2))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


class EventStream:
    """Reads server-sent events from a streaming response."""

    def __init__(self, response: httpx.Response) -> None:
        self.lines = response.aiter_lines()

    async def next(self, timeout: float = 5.0) -> tuple[str, Any]:
        return await asyncio.wait_for(self._read(), timeout)

    async def _read(self) -> tuple[str, Any]:
        event, data = "message", None
        async for line in self.lines:
            if line.startswith("event: "):
                event = line.removeprefix("event: ")
            elif line.startswith("data: "):
                data = orjson.loads(line.removeprefix("data: "))
            elif line == "" and data is not None:
                return event, data
        raise EOFError("the stream ended")
