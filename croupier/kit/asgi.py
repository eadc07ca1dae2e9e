"""Small ASGI helpers for the fast paths that answer a request before FastAPI's routing (see
channels/webchat/fastpath.py and channels/intake.py): read the body, hand it on unread, answer JSON; and
`build_routes`, which a long-lived process calls at start-up."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.exceptions import HTTPException


async def read_body(receive: Any) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def replay(body: bytes, receive: Any) -> Any:
    """The body already read, then whatever the client sends next (its disconnect): for the full route."""
    sent = False

    async def replayed() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed


async def send_json(send: Any, status: int, data: object) -> None:
    payload = orjson.dumps(data)
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})


async def build_routes(app: Any) -> None:
    """Have FastAPI build every route now. It builds a router's routes (dependencies, response models) on the
    first request that reaches that router, 70-80 ms for all of ours, a stall the first players of a new
    process wait through; one request that matches no route reaches them all."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": "/.croupier/build-routes", "raw_path": b"/.croupier/build-routes", "root_path": "",
             "query_string": b"", "headers": [], "client": ("127.0.0.1", 0), "server": ("127.0.0.1", 0),
             "app": app, "state": {}}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(_message: dict[str, Any]) -> None:
        pass

    try:
        await app.router(scope, receive, send)
    except HTTPException:
        pass  # the 404 it was meant to reach
