"""A local HTTP server on 127.0.0.1 playing the operator's side of the API channel: it checks Croupier's
signature the way an operator's own code would (independently of ours), refuses stale or unsigned
callbacks, de-duplicates on Idempotency-Key and records what it accepted."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.servers import serve_asgi


@dataclass
class Operator:
    secret: str
    url: str = ""
    # Accepted deliveries, in order, and every POST that reached us (including refused ones and retries).
    delivered: list[dict[str, Any]] = field(default_factory=list)
    posts: list[dict[str, str]] = field(default_factory=list)
    # Scripted answers for the next callbacks: (status, body, headers), consumed in order, before recording.
    failures: list[tuple[int, dict[str, Any], dict[str, str]]] = field(default_factory=list)
    # Answers given after the delivery was recorded (the operator stored it, the answer got lost).
    after_recording: list[int] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)

    def app(self) -> Starlette:
        async def callback(request: Request) -> Response:
            body = await request.body()
            timestamp = request.headers.get("x-croupier-timestamp", "")
            given = request.headers.get("x-croupier-signature", "")
            key = request.headers.get("idempotency-key", "")
            self.posts.append({"key": key, "signature": given})
            expected = "sha256=" + hmac.new(self.secret.encode(), f"{timestamp}.".encode() + body,
                                            hashlib.sha256).hexdigest()
            if not timestamp.isdigit() or not hmac.compare_digest(given, expected):
                return JSONResponse({"error": "bad signature"}, 401)
            if abs(time.time() - int(timestamp)) > 300:
                return JSONResponse({"error": "stale"}, 401)
            if self.failures:
                status, payload, headers = self.failures.pop(0)
                return JSONResponse(payload, status, headers=headers)
            if key in self.keys:
                return JSONResponse({"ok": True, "duplicate": True})
            self.keys.add(key)
            self.delivered.append(json.loads(body))
            if self.after_recording:
                return JSONResponse({"error": "gateway timeout"}, self.after_recording.pop(0))
            return JSONResponse({"ok": True})

        return Starlette(routes=[Route("/croupier/callback", callback, methods=["POST"])])


@contextlib.contextmanager
def operator(secret: str = "") -> Iterator[Operator]:
    peer = Operator(secret)
    with serve_asgi(peer.app()) as base:
        peer.url = f"{base}/croupier/callback"
        yield peer
