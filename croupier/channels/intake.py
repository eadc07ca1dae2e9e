"""The fast path of provider webhooks: verify, store the event with its job, commit, acknowledge.

`POST /channels/{key}/webhook` on PostgreSQL is answered here, inside the app's middleware (body limit,
security headers, CORS, locale) but before FastAPI's routing, dependencies and ORM: the channel's adapter
verifies the request (signature or secret token) and names the delivery, and one statement (`_STORE`,
autocommitted) inserts the raw event once per (channel, external id) together with its processing job.
The answer is the full route's.

The channel's row is read once and kept in this process; `_STORE` stores nothing unless, at that moment,
the channel is still active with the very secret and configuration the request was verified with, so a
disabled channel or a rotated secret takes effect at once (the kept row is then dropped and read again).
Anything else - an unknown or disabled channel, a failed verification, malformed JSON, a replayed delivery,
SQLite - falls through, with the body replayed, to the full route in `endpoints.py`, which gives every
error its precise answer (and stores nothing).
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from croupier.channels.base import PROCESS_INBOUND_JOB
from croupier.channels.registry import ADAPTERS
from croupier.errors import CroupierError
from croupier.kit.asgi import read_body, replay, send_json
from croupier.kit.clock import utcnow
from croupier.models import Channel, ChannelType
from croupier.worker import queue

PATH = re.compile(r"/channels/([^/]{1,64})/webhook")
_CHANNEL = """SELECT id, brand_id, type, name, key, secret, config::text AS config
FROM channels WHERE key = $1 AND is_active"""
KEPT_CHANNELS = 10_000  # channel rows kept per process, at most (then they are read again)

# $1 channel, $2 external id, $3 payload (JSON text), $4 now, $5 and $6 the channel's secret and config as
# verified. No row: a replay (or a race with one), or the channel changed.
_STORE = f"""
WITH ch AS (
    SELECT id FROM channels WHERE id = $1 AND is_active AND secret = $5 AND config::text = $6
), ev AS (
    INSERT INTO inbound_events (channel_id, external_id, payload, received_at, state)
    SELECT ch.id, $2, $3::json, $4, 'pending' FROM ch
    ON CONFLICT (channel_id, external_id) DO NOTHING
    RETURNING id
), job AS (
    INSERT INTO jobs (kind, payload, state, attempts, max_attempts, run_after, created_at)
    SELECT '{PROCESS_INBOUND_JOB}', json_build_object('event_id', ev.id), 'queued', 0, 8, $4, $4 FROM ev
    RETURNING id
)
SELECT ev.id FROM ev, job
"""


class WebhookFastPath:
    """ASGI middleware: see the module's docstring. Installed innermost, so the app's middleware wraps it."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not (found := PATH.fullmatch(scope["path"])):
            return await self.app(scope, receive, send)
        db = scope["app"].state.db
        if db.sqlite:
            return await self.app(scope, receive, send)
        body = await read_body(receive)
        event_id = await _store(db, found.group(1), scope["headers"], body)
        if event_id is None:
            return await self.app(scope, replay(body, receive), send)
        queue.wake()
        await send_json(send, 200, {"ok": True, "event_id": event_id, "duplicate": False})


def channel_of(row: Any) -> Channel:
    """A Channel for the adapters from a raw row of `channels` (id or channel_id, brand_id, type, name, key,
    secret, config), without the ORM: adapters read only these."""
    config = row["config"]
    return Channel(id=row.get("channel_id") or row["id"], brand_id=row["brand_id"],
                   type=ChannelType(row["type"]), name=row["name"], key=row["key"], secret=row["secret"],
                   is_active=True, config=orjson.loads(config) if isinstance(config, str) else config or {})


async def _store(db: Any, key: str, raw_headers: list[tuple[bytes, bytes]], body: bytes) -> int | None:
    """The new event's id if this is the simple case, else None (and nothing is stored)."""
    async with db.engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        kept = _channels.get(key)
        if kept is None:
            row = await raw.fetchrow(_CHANNEL, key)
            if row is None:
                return None
            if len(_channels) >= KEPT_CHANNELS:
                _channels.clear()
            kept = _channels[key] = (row, channel_of(row))
        row, channel = kept
        adapter = ADAPTERS.get(row["type"])
        if adapter is None:
            return None
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in raw_headers}
        try:
            adapter.verify(channel, headers, body)
            payload = orjson.loads(body)
            if not isinstance(payload, dict):
                return None
            external_id = adapter.external_id(payload)[:256]
        except (CroupierError, orjson.JSONDecodeError):
            _channels.pop(key, None)  # perhaps verified with a secret since replaced: read it again next time
            return None
        event_id = await raw.fetchval(_STORE, channel.id, external_id, body.decode(), utcnow(), row["secret"],
                                      row["config"])
        if event_id is None:
            _channels.pop(key, None)
        return event_id


# key -> the channel's row as last read, and the Channel the adapters read (only read: shared by requests)
_channels: dict[str, tuple[Any, Channel]] = {}
