"""A provider stand-in for the channel benchmark: Telegram's sendMessage and the WhatsApp Cloud API's
/messages on one loopback port, answering as the real APIs do, and failing a share of the sends the way
providers do: a 503, a 429 with Retry-After, or a connection dropped before anything is recorded. Every
reply carries a unique marker (`[r17]`) in its text; the stand-in records each marker it accepts, so lost
and duplicated deliveries can be counted. It is a bare asyncio HTTP/1.1 server to spare the shared CPU."""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections import Counter

import orjson

MARKER = re.compile(rb"\[(r\d+)\]")
RETRY_AFTER_S = 1
# How a failure is dealt, as shares of the failures: dropped connection, 503, then 429 with Retry-After.
NETWORK, UNAVAILABLE = 0.3, 0.65


def _response(status: int, payload: dict[str, object], headers: dict[str, str] | None = None) -> bytes:
    body = orjson.dumps(payload)
    reason = {200: "OK", 429: "Too Many Requests", 503: "Service Unavailable"}[status]
    lines = [f"HTTP/1.1 {status} {reason}", "Content-Type: application/json", f"Content-Length: {len(body)}",
             *(f"{k}: {v}" for k, v in (headers or {}).items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class Provider:
    def __init__(self, failure_rate: float = 0.0, seed: int = 7) -> None:
        self.failure_rate = failure_rate
        self.random = random.Random(seed)
        self.accepted: dict[str, list[float]] = {}  # marker -> perf_counter() of each accepted send
        self.failures: Counter[str] = Counter()
        self.port = 0
        self._server: asyncio.Server | None = None

    async def start(self) -> Provider:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                body = await reader.readexactly(length)
                answer = self._answer(head.split(b" ", 2)[1], body)
                if answer is None:
                    return  # the connection drops before an answer: the sender sees a network error
                writer.write(answer)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            return
        finally:
            writer.close()

    def _answer(self, path: bytes, body: bytes) -> bytes | None:
        telegram = b"/sendMessage" in path
        roll = self.random.random()
        if roll < self.failure_rate * NETWORK:
            self.failures["network"] += 1
            return None
        if roll < self.failure_rate * UNAVAILABLE:
            self.failures["503"] += 1
            return _response(503, {"ok": False, "error_code": 503, "description": "Service Unavailable"} if telegram
                             else {"error": {"message": "Service temporarily unavailable", "code": 2}})
        if roll < self.failure_rate:
            self.failures["429"] += 1
            return _response(429, {"ok": False, "error_code": 429, "description": "Too Many Requests",
                                   "parameters": {"retry_after": RETRY_AFTER_S}} if telegram
                             else {"error": {"message": "Rate limit hit", "code": 130429}},
                             {"Retry-After": str(RETRY_AFTER_S)})
        found = MARKER.search(body)
        if found:
            self.accepted.setdefault(found.group(1).decode(), []).append(time.perf_counter())
        n = sum(len(v) for v in self.accepted.values())
        return _response(200, {"ok": True, "result": {"message_id": n}} if telegram
                         else {"messaging_product": "whatsapp", "messages": [{"id": f"wamid.BENCH{n}"}]})
