"""ASGI middleware with no domain: request body limits, security headers, request locale."""

from __future__ import annotations

from typing import Any

import orjson

from croupier.kit import i18n

Scope = dict[str, Any]


class BodyLimit:
    """Refuse bodies above the limit with 413 before reading them (multipart gets the upload limit)."""

    def __init__(self, app: Any, json_limit: int, upload_limit: int) -> None:
        self.app, self.json_limit, self.upload_limit = app, json_limit, upload_limit

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        headers = dict(scope["headers"])
        ctype = headers.get(b"content-type", b"").decode("latin-1")
        limit = self.upload_limit if ctype.startswith("multipart/") else self.json_limit
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            return await self._too_large(send, limit)
        seen = 0

        async def counting_receive() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counting_receive, send)
        except _TooLarge:
            await self._too_large(send, limit)

    async def _too_large(self, send: Any, limit: int) -> None:
        message = i18n.gettext("The request body is too large: the limit is %(limit)s bytes.") % {"limit": limit}
        body = orjson.dumps({"error": {"code": "payload_too_large", "message": message, "limit": limit}})
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


CONSOLE_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
               "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")


class SecurityHeaders:
    def __init__(self, app: Any, hsts: bool) -> None:
        self.app, self.hsts = app, hsts

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path: str = scope["path"]

        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                extra = [(b"x-content-type-options", b"nosniff"),
                         (b"referrer-policy", b"strict-origin-when-cross-origin")]
                if path.startswith("/console"):
                    extra += [(b"x-frame-options", b"DENY"), (b"cache-control", b"no-store"),
                              (b"content-security-policy", CONSOLE_CSP.encode())]
                if self.hsts:
                    extra.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
                headers += [(k, v) for k, v in extra if k not in names]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


class RequestLocale:
    """Public API errors speak the caller's language (Accept-Language); the console overrides per user."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            header = dict(scope["headers"]).get(b"accept-language", b"").decode("latin-1")
            i18n.current_locale.set(i18n.negotiate(header))
        await self.app(scope, receive, send)
