"""`croupier worker`: jobs in a process of their own, beside web processes that run none. A webhook
acknowledged by the web process is processed by the job worker; SIGTERM stops it; without Redis (which
carries live events back to the web processes) it refuses to start."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time

import httpx
from sqlalchemy import select

from croupier.brand.service import brand_service
from croupier.models import ChannelType, InboundEvent, InboundState, Message
from tests.factories import make_brand
from tests.servers import CroupierProcess


def _env(database_url: str, redis_url: str, tmp_path) -> dict[str, str]:  # noqa: ANN001
    return {"CROUPIER_DATABASE_URL": database_url, "CROUPIER_DATA_DIR": str(tmp_path / "server"),
            "CROUPIER_SECRET_KEY": "job-worker-secret-key-0123456789", "CROUPIER_REDIS_URL": redis_url}


async def test_a_webhook_is_processed_by_the_job_worker(db, database_url, redis_url, tmp_path):
    brand, _webchat = await make_brand(db)
    async with db.transaction() as s:
        channel = await brand_service.add_channel(s, None, brand.id, ChannelType.telegram, "Telegram bot",
                                                  {"bot_token": "1:abc", "api_base": "http://127.0.0.1:9"})
    server = await asyncio.to_thread(CroupierProcess(_env(database_url, redis_url, tmp_path), job_workers=1).start)
    try:
        assert server.env["CROUPIER_RUN_WORKER"] == "false"  # the web process runs no jobs
        body = json.dumps({"update_id": 5, "message": {"message_id": 1, "date": 1763790000, "text": "hi there",
                                                       "chat": {"id": 42, "type": "private"},
                                                       "from": {"id": 42, "first_name": "Ana"}}})
        async with httpx.AsyncClient(base_url=server.url) as client:
            r = await client.post(f"/channels/{channel.key}/webhook", content=body,
                                  headers={"X-Telegram-Bot-Api-Secret-Token": channel.secret,
                                           "Content-Type": "application/json"})
        assert r.status_code == 200
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            async with db.transaction() as s:
                event = await s.get(InboundEvent, r.json()["event_id"])
                bodies = list(await s.scalars(select(Message.body)))
            if event.state == InboundState.handled:
                break
            await asyncio.sleep(0.1)
        assert event.state == InboundState.handled and bodies == ["hi there"]
        job = server.jobs[0]
        os.killpg(job.pid, signal.SIGTERM)
        assert job.wait(15) == 0
    finally:
        server.stop()


def test_without_redis_it_refuses_to_start(tmp_path, database_url):
    env = {**os.environ, "CROUPIER_DATABASE_URL": database_url, "CROUPIER_DATA_DIR": str(tmp_path),
           "CROUPIER_REDIS_URL": ""}
    done = subprocess.run([sys.executable, "-m", "croupier.cli", "worker"], env=env, capture_output=True, timeout=60)
    assert done.returncode == 2 and b"CROUPIER_REDIS_URL" in done.stderr
