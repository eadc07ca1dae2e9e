"""One error base class carrying a message and an HTTP status, rendered by one handler."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException


class CroupierError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, status_code: int | None = None,
                 headers: dict[str, str] | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status_code:
            self.status_code = status_code
        self.headers = headers
        self.details = details

    def render(self) -> str:
        """The message in the current locale, with its details filled in."""
        from croupier.kit.i18n import gettext

        text = gettext(self.message)
        if "%(" in text:
            try:
                return text % self.details
            except (KeyError, TypeError, ValueError):
                return self.message % self.details if "%(" in self.message else self.message
        return text


class BadRequest(CroupierError):
    status_code, code = 400, "bad_request"


class Unauthorized(CroupierError):
    status_code, code = 401, "unauthorized"


class Forbidden(CroupierError):
    status_code, code = 403, "forbidden"


class NotFound(CroupierError):
    status_code, code = 404, "not_found"


class Conflict(CroupierError):
    status_code, code = 409, "conflict"


class PayloadTooLarge(CroupierError):
    status_code, code = 413, "payload_too_large"


class UnsupportedMediaType(CroupierError):
    status_code, code = 415, "unsupported_media_type"


class TooManyRequests(CroupierError):
    status_code, code = 429, "rate_limited"


def _body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


def _wants_html(request: Request) -> bool:
    return request.url.path.startswith("/console") and "text/html" in request.headers.get("accept", "")


def install(app: FastAPI) -> None:
    @app.exception_handler(CroupierError)
    async def _croupier(request: Request, exc: CroupierError) -> Response:
        if request.url.path.startswith("/help/"):
            from croupier.helpcenter.rendering import render_error as help_centre_error

            return help_centre_error(request, exc)
        if _wants_html(request):
            from croupier.console.rendering import render_error

            return render_error(request, exc)
        return JSONResponse(_body(exc.code, exc.render(), **exc.details), exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        problems = []
        for err in exc.errors():
            parts = list(err.get("loc", ()))
            loc = ".".join(str(p) for p in (parts[1:] if parts[:1] == ["body"] else parts))  # a field may be "body"
            problems.append({"field": loc, "problem": err.get("msg", "invalid")})
        if any(e.get("type") == "json_invalid" for e in exc.errors()):
            return JSONResponse(_body("malformed_json", "The request body is not valid JSON."), 400)
        summary = "; ".join(f"{p['field'] or 'body'}: {p['problem']}" for p in problems)
        return JSONResponse(_body("invalid_payload", f"The request is invalid: {summary}", fields=problems), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        messages = {404: "There is nothing at this address.", 405: "This method is not allowed here."}
        message = exc.detail if isinstance(exc.detail, str) and exc.detail not in ("Not Found", "Method Not Allowed") \
            else messages.get(exc.status_code, str(exc.detail))
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return JSONResponse(_body(code, message), exc.status_code, headers=getattr(exc, "headers", None))
