"""A local HTTP server speaking the OpenAI chat-completions wire format (POST /v1/chat/completions), on
127.0.0.1, for the tests. It answers with whatever the test sets as its next reply."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.servers import serve_asgi


def completion(content: str | None) -> dict[str, Any]:
    return {"id": "chatcmpl-test", "object": "chat.completion", "created": 1_700_000_000, "model": "test-model",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}}


@dataclass
class ChatApi:
    url: str = ""  # the base URL, ending in /v1
    requests: list[tuple[dict[str, Any], dict[str, str]]] = field(default_factory=list)  # (body, headers)
    status: int = 200
    body: Any = None  # a JSON value to answer with, or bytes sent as they are
    delay: float = 0.0

    def answer(self, content: str | None) -> None:
        self.status, self.body = 200, completion(content)

    def app(self) -> Starlette:
        async def chat(request: Request) -> Response:
            self.requests.append((await request.json(), dict(request.headers)))
            await asyncio.sleep(self.delay)
            if isinstance(self.body, bytes):
                return Response(self.body, self.status, media_type="application/json")
            return JSONResponse(self.body, self.status)

        return Starlette(routes=[Route("/v1/chat/completions", chat, methods=["POST"])])


@contextlib.contextmanager
def chat_api() -> Iterator[ChatApi]:
    api = ChatApi()
    with serve_asgi(api.app()) as base:
        api.url = f"{base}/v1"
        yield api
