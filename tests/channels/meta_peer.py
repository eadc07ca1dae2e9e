"""A local HTTP server speaking the Meta Graph API's wire format (WhatsApp Cloud API and the Messenger
Platform's Send API), on 127.0.0.1, for the tests."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.channels.telegram_peer import PNG
from tests.servers import serve_asgi

VERSION = "v21.0"
PHONE_NUMBER_ID = "106540352242922"


@dataclass
class GraphApi:
    token: str
    url: str = ""
    sent: list[dict[str, Any]] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # every path asked for, in order
    # Scripted failures for the next send calls: (HTTP status, body, headers), consumed in order.
    failures: list[tuple[int, dict[str, Any], dict[str, str]]] = field(default_factory=list)

    def _authorized(self, request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {self.token}"

    def app(self) -> Starlette:
        def denied() -> Response:
            return JSONResponse({"error": {"message": "Invalid OAuth access token.", "type": "OAuthException",
                                           "code": 190, "fbtrace_id": "A1"}}, 401)

        async def send(request: Request, result: dict[str, Any]) -> Response:
            self.requests.append(request.url.path)
            if not self._authorized(request):
                return denied()
            body = await request.json()
            if self.failures:
                status, payload, headers = self.failures.pop(0)
                return JSONResponse(payload, status, headers=headers)
            self.sent.append(body)
            return JSONResponse(result)

        async def whatsapp_send(request: Request) -> Response:
            n = len(self.sent) + 1
            return await send(request, {"messaging_product": "whatsapp",
                                        "contacts": [{"input": "x", "wa_id": "x"}],
                                        "messages": [{"id": f"wamid.OUT{n}"}]})

        async def messenger_send(request: Request) -> Response:
            return await send(request, {"recipient_id": "x", "message_id": f"m_OUT{len(self.sent) + 1}"})

        async def media(request: Request) -> Response:
            self.requests.append(request.url.path)
            if not self._authorized(request):
                return denied()
            media_id = request.path_params["media_id"]
            return JSONResponse({"messaging_product": "whatsapp", "url": f"{self.url}/files/{media_id}",
                                 "mime_type": "image/png", "file_size": len(PNG), "id": media_id})

        async def file(request: Request) -> Response:
            self.requests.append(request.url.path)
            if not self._authorized(request):
                return Response(b"", 401)
            return Response(PNG, media_type="image/png")

        async def cdn(request: Request) -> Response:  # Messenger attachment links: signed, no token
            self.requests.append(request.url.path)
            return Response(PNG, media_type="image/png")

        return Starlette(routes=[
            Route(f"/{VERSION}/{PHONE_NUMBER_ID}/messages", whatsapp_send, methods=["POST"]),
            Route(f"/{VERSION}/me/messages", messenger_send, methods=["POST"]),
            Route(f"/{VERSION}/{{media_id}}", media, methods=["GET"]),
            Route("/files/{media_id}", file),
            Route("/cdn/{name}", cdn),
        ])


@contextlib.contextmanager
def graph_api(token: str = "EAAG-test-token") -> Iterator[GraphApi]:
    api = GraphApi(token)
    with serve_asgi(api.app()) as base:
        api.url = base
        yield api
