"""`croupier serve --workers N`: each worker listens on the port with SO_REUSEPORT, so a burst of
connections is spread over the workers; a worker that dies is replaced; SIGTERM stops them all."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import httpx

from tests.servers import CroupierProcess

CONNECTIONS = 32


def _children(pid: int) -> list[int]:
    """The web workers of the supervisor `pid` (not multiprocessing's resource tracker)."""
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        out += [int(c) for c in (task / "children").read_text().split()]
    return [c for c in out if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


def _established(pid: int, port: int) -> int:
    """Connections to `port` the process `pid` holds (its socket fds found in /proc/net/tcp, ESTABLISHED)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        target = os.readlink(fd) if fd.is_symlink() else ""
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == "01" and fields[9] in inodes:
            count += 1
    return count


def _env(database_url: str, redis_url: str, tmp_path: Path) -> dict[str, str]:
    return {"CROUPIER_DATABASE_URL": database_url, "CROUPIER_DATA_DIR": str(tmp_path / "server"),
            "CROUPIER_SECRET_KEY": "workers-secret-key-0123456789", "CROUPIER_REDIS_URL": redis_url,
            "CROUPIER_ENVIRONMENT": "production"}


async def _burst(url: str) -> list[httpx.AsyncClient]:
    """CONNECTIONS clients connecting at once, each keeping its connection open."""
    clients = [httpx.AsyncClient(base_url=url, timeout=10) for _ in range(CONNECTIONS)]
    answers = await asyncio.gather(*(c.get("/healthz") for c in clients))
    assert all(a.status_code == 200 for a in answers)
    return clients


async def test_a_burst_of_connections_is_spread_over_the_workers(db, database_url, redis_url, tmp_path):
    server = await asyncio.to_thread(CroupierProcess(_env(database_url, redis_url, tmp_path), workers=2).start)
    try:
        workers = _children(server.proc.pid)
        assert len(workers) == 2
        clients = await _burst(server.url)
        try:
            held = {w: _established(w, server.port) for w in workers}
            assert sum(held.values()) == CONNECTIONS, held
            assert len([n for n in held.values() if n >= CONNECTIONS // 8]) == 2, held  # both serve a share
        finally:
            await asyncio.gather(*(c.aclose() for c in clients))
    finally:
        await asyncio.to_thread(server.stop)


async def test_a_dead_worker_is_replaced_and_sigterm_stops_them_all(db, database_url, redis_url, tmp_path):
    server = await asyncio.to_thread(CroupierProcess(_env(database_url, redis_url, tmp_path), workers=2).start)
    try:
        first = _children(server.proc.pid)
        assert len(first) == 2
        os.kill(first[0], signal.SIGKILL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            now = [c for c in _children(server.proc.pid) if c != first[0]]
            if len(now) >= 2:
                break
            await asyncio.sleep(0.2)
        assert len(now) >= 2 and first[1] in now
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
            answers = [await http.get("/healthz") for _ in range(20)]
        assert all(a.status_code == 200 for a in answers)
        workers = _children(server.proc.pid)
        os.kill(server.proc.pid, signal.SIGTERM)
        assert await asyncio.to_thread(server.proc.wait, 40) == 0
        assert not any(Path(f"/proc/{w}").exists() and "zombie" not in Path(f"/proc/{w}/status").read_text()
                       for w in workers)
    finally:
        await asyncio.to_thread(server.stop)


def test_several_workers_need_redis_and_a_fixed_port(tmp_path):
    import subprocess
    import sys

    env = {**os.environ, "CROUPIER_DATA_DIR": str(tmp_path), "CROUPIER_REDIS_URL": "redis://127.0.0.1:1/0"}
    out = subprocess.run([sys.executable, "-m", "croupier.cli", "serve", "--port", "0", "--workers", "2",
                          "--no-migrate"], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "fixed port" in out.stderr
    env.pop("CROUPIER_REDIS_URL")
    out = subprocess.run([sys.executable, "-m", "croupier.cli", "serve", "--port", "8123", "--workers", "2",
                          "--no-migrate"], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "CROUPIER_REDIS_URL" in out.stderr
