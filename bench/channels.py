"""Channel benchmark: signed Telegram and WhatsApp webhooks into a real server, and agents' replies out
through a provider that fails a fifth of the sends.

Run: .venv/bin/python bench/channels.py [--sqlite] [--seconds 15] [--messages 20000] [--concurrency 32]
     [--replies 500]   (starts everything itself; prints ONE JSON line)

It starts Redis and a throwaway PostgreSQL (durable settings, see bench/processes.py; `--sqlite` for the
embedded default instead), a provider stand-in (bench/provider.py) and `croupier serve` in production mode
with 2 workers running their job queues, with a Telegram bot and a WhatsApp number pointing at the stand-in.

Inbound: virtual users, half Telegram chats and half WhatsApp numbers, post signed webhooks (the secret
token header; X-Hub-Signature-256 over the body) for a bounded time or count: `inbound_acks_per_s` and the
acknowledgement latency. A 3-second warm-up by other players comes first (its figures under `warmup`), as
in bench/ingest.py: the figures are those of a running server, each measured user still a first contact.
An agent holds the console's live stream open, as the browser does; from each webhook's 200 to its message
arriving on that stream is `ack_to_agent` (the job turning the stored event into the conversation, the
commit, the fan-out through Redis, the stream); it waits (at most a minute) for the jobs to catch up, and
`inbound_visible_per_s` is the rate messages reached the agent.

Outbound: the agent replies N times through the REST API to the conversations just opened; the stand-in
now fails 20% of sends (dropped connections, 503, 429 with Retry-After) and records each reply's marker it
accepts. `delivered` counts distinct replies received, `duplicated` extra copies, `failed` replies marked
failed, `lost` replies acknowledged by the API but neither delivered nor marked failed; `outbound_*_ms` run
from the API's 201 to the provider's first acceptance, retries included (and any inbound backlog the
jobs have not caught up with, since replies queue behind it).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import itertools
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import orjson  # noqa: E402
import uvloop  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from bench import loadgen, processes, seed  # noqa: E402
from bench.ingest import prepare_backend  # noqa: E402
from bench.provider import Provider  # noqa: E402
from croupier.brand.schemas import BrandIn  # noqa: E402
from croupier.brand.service import brand_service  # noqa: E402
from croupier.channels.config import apply  # noqa: E402
from croupier.channels.registry import CONFIGS  # noqa: E402
from croupier.config import get_settings  # noqa: E402
from croupier.db import Database  # noqa: E402
from croupier.models import AuthorType, ChannelType, Conversation, DeliveryState, InboundEvent, Message  # noqa: E402
from tests.servers import CroupierProcess, create_database, redis_server  # noqa: E402

WORKERS = 2
FAILURE_RATE = 0.2
REPLY_CONCURRENCY = 8
DRAIN_SECONDS, DELIVERY_SECONDS = 60.0, 60.0
WARMUP_SECONDS = 3.0
BOT_TOKEN = "7300112233:AAH-benchTokenValue_0123456789"
SECRET_TOKEN = "bench-telegram-secret-token"
APP_SECRET = "bench-meta-app-secret-0123456789"
PHONE_NUMBER_ID = "106540352242922"
SEEN = re.compile(rb"\[(i\d+)\]")


@dataclass
class Setup:
    telegram_key: str
    whatsapp_key: str
    cookie: str
    api_token: str


@dataclass
class AgentScreen:
    """The console's live stream, held open as an agent's browser does: when each marked message arrives."""

    host: str
    port: int
    cookie: str
    seen: dict[str, float] = field(default_factory=dict)
    reconnects: int = 0
    errors: list[str] = field(default_factory=list)

    async def run(self, ready: asyncio.Event) -> None:
        while True:  # as the console's script does: whenever the stream ends, open it again
            reader, writer = await asyncio.open_connection(self.host, self.port)
            writer.write((f"GET /console/events HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nCookie: {self.cookie}"
                          "\r\nAccept: text/event-stream\r\n\r\n").encode())
            try:
                head = await reader.readuntil(b"\r\n\r\n")
                if not head.startswith(b"HTTP/1.1 200"):
                    raise ConnectionError(head[:200].decode(errors="replace"))
                ready.set()
                await self._read(reader, b"chunked" in head.lower())
            except (asyncio.IncompleteReadError, ConnectionError) as exc:
                self.errors.append(str(exc)[:200])
            finally:
                writer.close()
            self.reconnects += 1
            await asyncio.sleep(0.1)

    async def _read(self, reader: asyncio.StreamReader, chunked: bool) -> None:
        buffer = b""
        while True:
            if chunked:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    return
                buffer += (await reader.readexactly(size + 2))[:-2]
            else:
                data = await reader.read(65536)
                if not data:
                    return
                buffer += data
            now = time.perf_counter()
            *events, buffer = buffer.split(b"\n\n")
            for event in events:
                if event.startswith(b"event: message.created"):
                    for found in SEEN.finditer(event):
                        self.seen.setdefault(found.group(1).decode(), now)


async def _setup(provider_url: str) -> Setup:
    db = Database(get_settings())
    try:
        async with db.transaction() as session:
            brand = await brand_service.create(session, None, BrandIn(slug="bench", name="Bench Casino",
                                                                      locales=["en"], default_locale="en"))
            keys = {}
            for type_, form in [
                    (ChannelType.telegram, {"bot_token": BOT_TOKEN, "secret_token": SECRET_TOKEN,
                                            "api_base": provider_url}),
                    (ChannelType.whatsapp, {"phone_number_id": PHONE_NUMBER_ID, "access_token": "EAAG-bench",
                                            "app_secret": APP_SECRET, "api_base": provider_url})]:
                config, _shown = apply(CONFIGS[type_], form, {})  # the console's own validation and sealing
                channel = await brand_service.add_channel(session, None, brand.id, type_, type_.value, config)
                keys[type_] = channel.key
            cookie, token = await seed.agent(session, brand.id, ["conversations:read", "conversations:write"])
    finally:
        await db.dispose()
    return Setup(keys[ChannelType.telegram], keys[ChannelType.whatsapp], cookie, token)


def _webhooks(setup: Setup, users: range, ids: Iterator[int]) -> list:  # noqa: ANN001
    """One request builder per virtual user: even users are Telegram chats, odd ones WhatsApp numbers."""

    def telegram(user: int):  # noqa: ANN202
        def build(n: int) -> loadgen.Request:
            uid = next(ids)
            body = orjson.dumps({"update_id": uid, "message": {
                "message_id": n, "date": int(time.time()), "chat": {"id": 700000 + user, "type": "private"},
                "from": {"id": 700000 + user, "first_name": f"Player {user}", "language_code": "en"},
                "text": f"Where is my withdrawal? [i{uid}]"}})
            return "POST", f"/channels/{setup.telegram_key}/webhook", {
                "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET_TOKEN,
                "X-Bench-Id": f"i{uid}"}, body
        return build

    def whatsapp(user: int):  # noqa: ANN202
        number = f"48600{user:06d}"

        def build(n: int) -> loadgen.Request:
            uid = next(ids)
            body = orjson.dumps({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{
                "field": "messages", "value": {
                    "messaging_product": "whatsapp", "metadata": {"phone_number_id": PHONE_NUMBER_ID},
                    "contacts": [{"profile": {"name": f"Player {user}"}, "wa_id": number}],
                    "messages": [{"from": number, "id": f"wamid.BENCH.{uid}", "timestamp": str(int(time.time())),
                                  "type": "text", "text": {"body": f"Where is my withdrawal? [i{uid}]"}}]}}]}]})
            signature = "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
            return "POST", f"/channels/{setup.whatsapp_key}/webhook", {
                "Content-Type": "application/json", "X-Hub-Signature-256": signature, "X-Bench-Id": f"i{uid}"}, body
        return build

    return [(telegram if user % 2 == 0 else whatsapp)(user) for user in users]


def _ms(values: list[float], q: float) -> float:
    return round(loadgen.percentile(sorted(values), q) * 1000, 1)


async def _conversations() -> list[int]:
    db = Database(get_settings())
    try:
        async with db.transaction() as session:
            return list(await session.scalars(select(Conversation.id).order_by(Conversation.id)))
    finally:
        await db.dispose()


async def _reply_states(markers: set[str]) -> dict[str, DeliveryState | None]:
    db = Database(get_settings())
    try:
        async with db.transaction() as session:
            rows = await session.execute(select(Message.body, Message.delivery_state).where(
                Message.author_type == AuthorType.agent))
            return {m.group(1).decode(): state for body, state in rows
                    if (m := re.search(rb"\[(r\d+)\]", body.encode())) and m.group(1).decode() in markers}
    finally:
        await db.dispose()


async def _stored_events() -> int:
    db = Database(get_settings())
    try:
        async with db.transaction() as session:
            return await session.scalar(select(func.count()).select_from(InboundEvent)) or 0
    finally:
        await db.dispose()


async def _inbound(server: CroupierProcess, setup: Setup, provider: Provider, args: argparse.Namespace
                   ) -> dict[str, object]:
    host, port = "127.0.0.1", server.port
    screen = AgentScreen(host, port, setup.cookie)
    ready = asyncio.Event()
    watcher = asyncio.create_task(screen.run(ready))
    await asyncio.wait_for(ready.wait(), 10)
    ids = itertools.count(1)
    users = args.concurrency

    async def load(first_user: int, total: int, seconds: float) -> tuple[loadgen.Outcome, dict[str, float], float]:
        acked: dict[str, float] = {}
        started = time.perf_counter()
        outcome = await loadgen.drive(host, port, _webhooks(setup, range(first_user, first_user + users), ids),
                                      total=total, seconds=seconds,
                                      acked=lambda r, when: acked.__setitem__(r[2]["X-Bench-Id"], when))
        deadline = time.perf_counter() + DRAIN_SECONDS
        while time.perf_counter() < deadline and not acked.keys() <= screen.seen.keys():
            await asyncio.sleep(0.1)
        return outcome, acked, started

    # The warm-up's own players (the measured run still opens a conversation for each of its users), so
    # that what is measured is a running server, not its first seconds: those are reported apart.
    _, warm, _ = await load(users, args.messages, WARMUP_SECONDS)
    warm_delays = [max(0.0, screen.seen[m] - t) for m, t in warm.items() if m in screen.seen]
    outcome, acked, started = await load(0, args.messages, args.seconds)
    watcher.cancel()
    delays = [max(0.0, screen.seen[m] - t) for m, t in acked.items() if m in screen.seen]
    shown = [screen.seen[m] for m in acked if m in screen.seen]
    summary = outcome.summary("acks_per_s")
    _timeline(acked, screen.seen, started)
    return {"inbound_acks_per_s": summary["acks_per_s"], "inbound_p50_ms": summary["p50_ms"],
            "inbound_p99_ms": summary["p99_ms"], "inbound_errors": outcome.errors, "inbound_acked": len(acked),
            "inbound_visible": len(delays),
            "inbound_visible_per_s": round(len(shown) / (max(shown) - started), 1) if shown else 0.0,
            "ack_to_agent_p50_ms": _ms(delays, 0.5),
            "ack_to_agent_p99_ms": _ms(delays, 0.99),
            "seen_before_ack": sum(1 for m, t in acked.items() if m in screen.seen and screen.seen[m] < t),
            "warmup": {"seconds": WARMUP_SECONDS, "acked": len(warm), "visible": len(warm_delays),
                       "ack_to_agent_p50_ms": _ms(warm_delays, 0.5), "ack_to_agent_p99_ms": _ms(warm_delays, 0.99)},
            "stream_reconnects": screen.reconnects, "stream_errors": screen.errors[:3]}


def _timeline(acked: dict[str, float], seen: dict[str, float], started: float) -> None:
    """On stderr: per second of the run, the acknowledged webhooks and their delays to the agent."""
    seconds: dict[int, list[float]] = {}
    for marker, when in acked.items():
        seconds.setdefault(int(when - started), []).append(seen.get(marker, when + DRAIN_SECONDS) - when)
    for second, delays in sorted(seconds.items()):
        print(f"second {second}: {len(delays)} acked, to the agent p50 {_ms(delays, 0.5)} ms, "
              f"p99 {_ms(delays, 0.99)} ms, max {round(max(delays) * 1000, 1)} ms", file=sys.stderr)


async def _outbound(server: CroupierProcess, setup: Setup, provider: Provider, replies: int) -> dict[str, object]:
    conversations = await _conversations()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {setup.api_token}"}
    numbers = itertools.count(1)

    def build(_n: int) -> loadgen.Request:
        n = next(numbers)
        body = orjson.dumps({"body": f"We are checking your withdrawal now [r{n}]"})
        return ("POST", f"/api/v1/conversations/{conversations[n % len(conversations)]}/messages",
                {**headers, "X-Bench-Id": f"r{n}"}, body)

    provider.failure_rate = FAILURE_RATE
    sent: dict[str, float] = {}
    outcome = await loadgen.drive("127.0.0.1", server.port, [build] * REPLY_CONCURRENCY, total=replies,
                                  seconds=DELIVERY_SECONDS, acked=lambda r, when: sent.__setitem__(r[2]["X-Bench-Id"],
                                                                                                     when))
    deadline = time.perf_counter() + DELIVERY_SECONDS
    states: dict[str, DeliveryState | None] = {}
    while time.perf_counter() < deadline:
        if sent.keys() <= provider.accepted.keys():
            break
        states = await _reply_states(set(sent))
        if all(s not in (DeliveryState.pending, None) or m in provider.accepted for m, s in states.items()):
            break
        await asyncio.sleep(0.5)
    states = await _reply_states(set(sent))
    delivered = [m for m in sent if m in provider.accepted]
    failed = [m for m in sent if m not in provider.accepted and states.get(m) == DeliveryState.failed]
    latencies = [provider.accepted[m][0] - sent[m] for m in delivered]
    return {"outbound_sent": len(sent), "outbound_api_errors": outcome.errors, "delivered": len(delivered),
            "failed": len(failed), "lost": len(sent) - len(delivered) - len(failed),
            "duplicated": sum(len(provider.accepted[m]) - 1 for m in delivered),
            "outbound_p50_ms": _ms(latencies, 0.5), "outbound_p99_ms": _ms(latencies, 0.99),
            "provider_failures": dict(provider.failures)}


async def _measure(server: CroupierProcess, setup: Setup, provider: Provider, args: argparse.Namespace
                   ) -> dict[str, object]:
    result = await _inbound(server, setup, provider, args)
    result.update(await _outbound(server, setup, provider, args.replies))
    return result


def run_backend(url: str, data_dir: Path, redis_url: str, args: argparse.Namespace) -> dict[str, object]:
    env = prepare_backend(url, data_dir, redis_url)

    async def main() -> dict[str, object]:
        provider = await Provider().start()
        try:
            setup = await _setup(provider.url)
            server = await asyncio.to_thread(CroupierProcess(env, workers=WORKERS, job_workers=args.job_workers).start)
            try:
                assert server.proc is not None
                with processes.RssSampler(server.proc.pid) as rss:
                    result = await _measure(server, setup, provider, args)
            finally:
                await asyncio.to_thread(server.stop)
            result.update(stored_events=await _stored_events(), peak_rss_mb=rss.peak_mb)
            return result
        finally:
            await provider.stop()

    return uvloop.run(main())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite", action="store_true", help="the embedded SQLite instead of PostgreSQL")
    parser.add_argument("--seconds", type=float, default=10.0, help="inbound load: at most this long")
    parser.add_argument("--messages", type=int, default=20_000, help="inbound load: at most this many webhooks")
    parser.add_argument("--concurrency", type=int, default=32, help="inbound virtual users")
    parser.add_argument("--replies", type=int, default=500, help="agent replies sent out")
    parser.add_argument("--job-workers", type=int, default=0,
                        help="jobs in this many `croupier worker` processes (0: in the web workers)")
    args = parser.parse_args()
    started, load_before = time.perf_counter(), round(os.getloadavg()[0], 2)
    out: dict[str, object] = {"bench": "channels", "backend": "sqlite" if args.sqlite else "postgres",
                              "workers": WORKERS, "job_workers": args.job_workers, "concurrency": args.concurrency, "max_seconds": args.seconds,
                              "max_messages": args.messages, "replies": args.replies,
                              "provider_failure_rate": FAILURE_RATE}
    with tempfile.TemporaryDirectory(prefix="croupier-bench-") as tmp, redis_server() as redis_url:
        root = Path(tmp)
        if args.sqlite:
            out.update(run_backend(f"sqlite+aiosqlite:///{root / 'croupier.db'}", root, redis_url, args))
        else:
            with processes.postgres() as pg:
                out.update(run_backend(create_database(pg, "croupier_bench"), root, redis_url, args))
    out["total_seconds"] = round(time.perf_counter() - started, 1)
    out["load_average_1m_before_after"] = [load_before, round(os.getloadavg()[0], 2)]  # others on the box?
    print(json.dumps(out, separators=(",", ":")))


if __name__ == "__main__":
    main()
