"""A lean HTTP/1.1 load generator (asyncio streams, keep-alive): it shares the CPU with the server, so
it spends as little of it as it can. Latency is measured per request, from write to last body byte."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field


class Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, method: str, path: str, headers: dict[str, str] | None = None,
                      body: bytes = b"") -> tuple[int, bytes]:
        if self.writer is None:
            await self.open()
        assert self.reader is not None and self.writer is not None
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Content-Length: {len(body)}"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        fields = {}
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            fields[name.strip().lower()] = value.strip()
        if fields.get(b"transfer-encoding", b"").lower() == b"chunked":
            data = await self._chunked()
        else:
            data = await self.reader.readexactly(int(fields.get(b"content-length", b"0")))
        if fields.get(b"connection", b"").lower() == b"close":
            self.close()
        return status, data

    async def _chunked(self) -> bytes:
        assert self.reader is not None
        parts = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            chunk = await self.reader.readexactly(size + 2)
            if size == 0:
                return b"".join(parts)
            parts.append(chunk[:-2])


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


@dataclass
class Outcome:
    ok: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    def summary(self, rate_name: str = "msgs_per_s") -> dict[str, float | int]:
        lat = sorted(self.latencies_ms)
        return {rate_name: round(self.ok / self.seconds, 1) if self.seconds else 0.0,
                "p50_ms": round(percentile(lat, 0.50), 2), "p95_ms": round(percentile(lat, 0.95), 2),
                "p99_ms": round(percentile(lat, 0.99), 2), "errors": self.errors, "count": self.ok}


Request = tuple[str, str, dict[str, str], bytes]  # method, path, headers, body


async def drive(host: str, port: int, make: list[Callable[[int], Request]], *, total: int, seconds: float,
                ok: tuple[int, ...] = (200, 201), acked: Callable[[Request, float], None] | None = None) -> Outcome:
    """One keep-alive connection per entry of `make` (one virtual user each), sending requests one after
    another until `total` requests were sent in all or `seconds` have passed. `acked(request, when)` is
    told the perf_counter() moment each successful answer was read."""
    out = Outcome()
    sent = 0
    deadline = time.perf_counter() + seconds

    async def user(build: Callable[[int], Request]) -> None:
        nonlocal sent
        conn = Connection(host, port)
        n = 0
        try:
            while sent < total and time.perf_counter() < deadline:
                sent += 1
                n += 1
                method, path, headers, body = build(n)
                t0 = time.perf_counter()
                try:
                    status, _ = await conn.request(method, path, headers, body)
                except (OSError, asyncio.IncompleteReadError):
                    conn.close()
                    out.errors += 1
                    continue
                out.statuses[status] = out.statuses.get(status, 0) + 1
                if status in ok:
                    done = time.perf_counter()
                    out.ok += 1
                    out.latencies_ms.append((done - t0) * 1000)
                    if acked is not None:
                        acked((method, path, headers, body), done)
                else:
                    out.errors += 1
        finally:
            conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(user(b) for b in make))
    out.seconds = time.perf_counter() - started
    return out
