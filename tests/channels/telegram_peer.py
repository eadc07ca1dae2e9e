"""A local HTTP server speaking the Telegram Bot API's wire format, on 127.0.0.1, for the tests."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.servers import serve_asgi

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


@dataclass
class BotApi:
    token: str
    url: str = ""
    sent: list[dict[str, Any]] = field(default_factory=list)
    # Scripted failures for the next sendMessage calls: (HTTP status, body) pairs, consumed in order.
    failures: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    def app(self) -> Starlette:
        async def send_message(request: Request) -> Response:
            body = await request.json()
            if self.failures:
                status, payload = self.failures.pop(0)
                return JSONResponse(payload, status)
            self.sent.append(body)
            return JSONResponse({"ok": True, "result": {"message_id": 900 + len(self.sent),
                                                        "chat": {"id": int(body["chat_id"])}, "text": body["text"]}})

        async def get_file(request: Request) -> Response:
            body = await request.json()
            return JSONResponse({"ok": True, "result": {"file_id": body["file_id"], "file_unique_id": "u",
                                                        "file_size": len(PNG), "file_path": f"photos/{body['file_id']}.png"}})

        async def file(request: Request) -> Response:
            return Response(PNG, media_type="image/png")

        async def unauthorized(request: Request) -> Response:
            return JSONResponse({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)

        return Starlette(routes=[
            Route(f"/bot{self.token}/sendMessage", send_message, methods=["POST"]),
            Route(f"/bot{self.token}/getFile", get_file, methods=["POST"]),
            Route(f"/file/bot{self.token}/{{path:path}}", file),
            Route("/{path:path}", unauthorized, methods=["GET", "POST"]),
        ])


@contextlib.contextmanager
def bot_api(token: str = "123456:TEST-token") -> Iterator[BotApi]:
    api = BotApi(token)
    with serve_asgi(api.app()) as base:
        api.url = base
        yield api
