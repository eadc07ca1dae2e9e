"""Server-sent events from a live subscription, with heartbeats so proxies keep the stream open."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import StreamingResponse

from croupier.live import LiveEvent, get_hub

HEARTBEAT_SECONDS = 15.0
BURST = 256  # events sent in one write at most


def frame(event: str, data: Any, event_id: str | None = None) -> bytes:
    head = f"id: {event_id}\n" if event_id else ""
    return f"{head}event: {event}\ndata: ".encode() + orjson.dumps(data) + b"\n\n"


def stream(request: Request, wants: Callable[[LiveEvent], bool],
           render: Callable[[LiveEvent], dict[str, Any] | None], hello: dict[str, Any]) -> StreamingResponse:
    hub = get_hub()

    async def body() -> AsyncIterator[bytes]:
        async with hub.subscribe(wants) as sub:
            yield b"retry: 2000\n\n" + frame("ready", hello)
            while True:
                try:
                    event = await asyncio.wait_for(sub.queue.get(), HEARTBEAT_SECONDS)
                except TimeoutError:
                    if await request.is_disconnected():
                        return
                    yield b": keep-alive\n\n"
                    continue
                burst = [event]  # and whatever else is waiting: one write for a burst, not one per event
                while len(burst) < BURST and not sub.queue.empty():
                    burst.append(sub.queue.get_nowait())
                frames = []
                for event in burst:
                    if event is None:  # hub stopping or subscriber overflowed: client reconnects
                        break
                    data = render(event)
                    if data is not None:
                        frames.append(frame(event.type, data))
                if frames:
                    yield b"".join(frames)
                if event is None:
                    return

    return StreamingResponse(body(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
