"""Ingest benchmark: player messages through the widget's public API, and the inbox at 100k conversations.

Run: .venv/bin/python bench/ingest.py [--only sqlite|postgres]   (starts everything itself; prints ONE JSON line)

For SQLite and then PostgreSQL (a throwaway cluster, durable settings: see bench/processes.py) it seeds
100,000 conversations in bulk, starts `croupier serve` in production mode with 2 workers and Redis, and
over loopback measures: acknowledged messages per second and latency at concurrency 1 and 32 (every
virtual user is its own widget session, sending with a fresh client_id each time); the first inbox page
in the console and in the REST API (p99 of sequential requests); and the peak summed RSS of the server
processes. At the end it counts the stored messages against the acknowledged ones.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import orjson  # noqa: E402
import uvloop  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from bench import loadgen, processes, seed  # noqa: E402
from croupier.config import get_settings  # noqa: E402
from croupier.db import Database  # noqa: E402
from croupier.migrate import upgrade  # noqa: E402
from croupier.models import AuthorType, Message  # noqa: E402
from tests.servers import CroupierProcess, create_database, redis_server  # noqa: E402

CONVERSATIONS = 100_000
WORKERS = 2
WARMUP_SECONDS = 3.0
LOADS = {1: (3_000, 8.0), 32: (40_000, 20.0)}  # concurrency: (max messages, max seconds)
INBOX_REQUESTS, INBOX_SECONDS = 300, 30.0
INBOX_PAGES = {"inbox": "/console/inbox", "inbox_api": "/api/v1/conversations"}


def server_env(url: str, data_dir: Path, redis_url: str) -> dict[str, str]:
    return {"CROUPIER_DATABASE_URL": url, "CROUPIER_DATA_DIR": str(data_dir), "CROUPIER_REDIS_URL": redis_url,
            "CROUPIER_SECRET_KEY": "bench-secret-key-0123456789abcdef", "CROUPIER_ENVIRONMENT": "production",
            # The benchmark's virtual users all come from 127.0.0.1: a per-IP widget limit would refuse
            # them. The limiter still runs (and costs what it costs); only its threshold is raised.
            "CROUPIER_WIDGET_RATE_LIMIT": "10000000/minute", "CROUPIER_API_RATE_LIMIT": "10000000/minute"}


async def _widget_sessions(host: str, port: int, key: str, count: int) -> list[str]:
    conn = loadgen.Connection(host, port)
    tokens = []
    for _ in range(count):
        status, body = await conn.request("POST", "/api/widget/v1/sessions", {"Content-Type": "application/json"},
                                          orjson.dumps({"key": key, "locale": "en"}))
        assert status == 200, body[:500]
        tokens.append(orjson.loads(body)["token"])
    conn.close()
    return tokens


def _sender(token: str, tag: str):  # noqa: ANN202
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}

    def build(n: int) -> loadgen.Request:
        body = orjson.dumps({"body": f"Hello, my withdrawal #{n} is still pending. Can you check it?",
                             "client_id": f"{tag}-{n}"})
        return "POST", "/api/widget/v1/messages", headers, body

    return build


async def _ingest(host: str, port: int, tokens: list[str], phase: str, concurrency: int, total: int,
                  seconds: float) -> loadgen.Outcome:
    makers = [_sender(tokens[i], f"{phase}{concurrency}u{i}") for i in range(concurrency)]
    return await loadgen.drive(host, port, makers, total=total, seconds=seconds)


async def _inbox(host: str, port: int, path: str, headers: dict[str, str]) -> dict[str, object]:
    probe = await loadgen.drive(host, port, [lambda _n: ("GET", path, headers, b"")], total=20, seconds=10,
                                ok=(200,))
    if probe.ok == 0:
        return {"available": False, "statuses": probe.statuses}
    out = await loadgen.drive(host, port, [lambda _n: ("GET", path, headers, b"")], total=INBOX_REQUESTS,
                              seconds=INBOX_SECONDS, ok=(200,))
    summary = out.summary("requests_per_s")
    return {"available": True, **{k: summary[k] for k in ("p50_ms", "p99_ms", "errors", "count")}}


async def _measure(server: CroupierProcess, seeded: seed.Seeded) -> dict[str, object]:
    host, port = "127.0.0.1", server.port
    tokens = await _widget_sessions(host, port, seeded.channel_key, max(LOADS))
    acked = (await _ingest(host, port, tokens, "w", max(LOADS), 10**9, WARMUP_SECONDS)).ok
    result: dict[str, object] = {}
    for concurrency, (total, seconds) in LOADS.items():
        outcome = await _ingest(host, port, tokens, "m", concurrency, total, seconds)
        acked += outcome.ok
        result[f"c{concurrency}"] = outcome.summary()
    for name, path in INBOX_PAGES.items():
        headers = ({"Cookie": seeded.console_cookie} if name == "inbox"
                   else {"Authorization": f"Bearer {seeded.api_token}"})
        found = await _inbox(host, port, path, headers)
        result[f"{name}_p99_ms"] = found.get("p99_ms")
        result[f"{name}_detail"] = found
    result["acknowledged"] = acked
    return result


async def _stored_player_messages() -> int:
    db = Database(get_settings())
    try:
        async with db.transaction() as session:
            return await session.scalar(select(func.count()).select_from(Message).where(
                Message.author_type == AuthorType.player, Message.client_id.is_not(None))) or 0
    finally:
        await db.dispose()


def prepare_backend(url: str, data_dir: Path, redis_url: str) -> dict[str, str]:
    """The server's environment, made this process's too (seeding reads the same settings), and the schema."""
    env = server_env(url, data_dir, redis_url)
    os.environ.update(env)
    get_settings.cache_clear()
    data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(url)
    return env


def run_backend(url: str, data_dir: Path, redis_url: str) -> dict[str, object]:
    env = prepare_backend(url, data_dir, redis_url)
    started = time.perf_counter()
    seeded = asyncio.run(seed.seed(get_settings(), CONVERSATIONS))
    seed_seconds = round(time.perf_counter() - started, 1)
    server = CroupierProcess(env, workers=WORKERS).start()
    try:
        assert server.proc is not None
        with processes.RssSampler(server.proc.pid) as rss:
            result = uvloop.run(_measure(server, seeded))
    finally:
        server.stop()
    stored = asyncio.run(_stored_player_messages())
    result.update(peak_rss_mb=rss.peak_mb, seed_seconds=seed_seconds, stored=stored,
                  all_acknowledged_stored=stored >= result["acknowledged"])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=["sqlite", "postgres"], help="measure one database only")
    args = parser.parse_args()
    started, load_before = time.perf_counter(), round(os.getloadavg()[0], 2)
    out: dict[str, object] = {"bench": "ingest", "conversations": CONVERSATIONS, "workers": WORKERS,
                              "loads": {f"c{c}": {"max_messages": t, "max_seconds": s} for c, (t, s) in LOADS.items()},
                              "postgres_settings": processes.PG_SETTINGS, "sqlite": None, "postgres": None}
    with tempfile.TemporaryDirectory(prefix="croupier-bench-") as tmp, redis_server() as redis_url:
        root = Path(tmp)
        if args.only != "postgres":
            out["sqlite"] = run_backend(f"sqlite+aiosqlite:///{root / 'sqlite' / 'croupier.db'}", root / "sqlite",
                                        redis_url)
        if args.only != "sqlite":
            with processes.postgres() as pg:
                out["postgres"] = run_backend(create_database(pg, "croupier_bench"), root / "postgres", redis_url)
    out["total_seconds"] = round(time.perf_counter() - started, 1)
    out["load_average_1m_before_after"] = [load_before, round(os.getloadavg()[0], 2)]  # others on the box?
    print(json.dumps(out, separators=(",", ":")))


if __name__ == "__main__":
    main()
