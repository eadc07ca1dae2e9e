"""Rendering console pages, htmx partials and errors (the one place console HTML responses are made)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from babel.numbers import format_decimal, format_percent
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from croupier.auth.service import SESSION_COOKIE
from croupier.console import labels
from croupier.console.static_routes import static_url
from croupier.errors import CroupierError
from croupier.kit import i18n
from croupier.kit.templating import make_environment

HERE = Path(__file__).resolve().parent
COOKIE_PATH = "/console"

def _query(params: dict[str, Any], **changes: Any) -> str:
    """A query string from `params` with `changes` applied, leaving out empty values."""
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "")})


env = make_environment(HERE / "templates")
env.globals.update(labels=labels, query=_query, static=static_url)
env.filters.update(  # figures written the reader's way (1 234,5 and 87 % in Polish)
    number=lambda v: format_decimal(v, "#,##0", locale=i18n.current_locale.get()),
    decimal=lambda v: format_decimal(v, "#,##0.0", locale=i18n.current_locale.get()),
    percent=lambda v: format_percent(v, "#,##0%", locale=i18n.current_locale.get()),
)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def render_text(request: Request, template: str, **context: Any) -> str:
    staff = getattr(request.state, "staff", None)
    base = {
        "request": request,
        "staff": staff,
        "csrf_token": staff.csrf_token if staff else "",
        "locale": i18n.current_locale.get(),
        "path": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
    }
    return env.get_template(template).render({**base, **context})


def render(request: Request, template: str, status_code: int = 200, headers: dict[str, str] | None = None,
           **context: Any) -> HTMLResponse:
    return HTMLResponse(render_text(request, template, **context), status_code=status_code, headers=headers)


def markup(html: str) -> Markup:
    """HTML we generated ourselves (the enrolment QR code) for use unescaped in a template."""
    return Markup(html)  # noqa: S704 - produced by segno from a URI we built, never from input


def go(request: Request, location: str, status_code: int = 303) -> Response:
    """Navigate to `location`: a redirect, or for an htmx request an `HX-Redirect` (htmx does a full load)."""
    if is_htmx(request):
        return Response(status_code=200 if status_code < 400 else status_code, headers={"HX-Redirect": location})
    return RedirectResponse(location, status_code=status_code if status_code < 400 else 303)


def render_error(request: Request, exc: CroupierError) -> Response:
    from croupier.console.staff import SignInRequired

    if isinstance(exc, SignInRequired):
        response = go(request, exc.location, 401 if is_htmx(request) else 303)
        if exc.forget_cookie:
            response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH)
        return response
    message = exc.render()
    if is_htmx(request):
        return render(request, "errors/_alert.html", exc.status_code, exc.headers, message=message)
    return render(request, "errors/error.html", exc.status_code, exc.headers, message=message,
                  status=exc.status_code)
