"""Small ASGI helpers for the fast paths that answer a request before FastAPI's routing (see
channels/webchat/fastpath.py and channels/intake.py): read the body, hand it on unread, answer JSON."""

from __future__ import annotations

from typing import Any

import orjson


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
