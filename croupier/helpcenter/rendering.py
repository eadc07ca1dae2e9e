"""Rendering help-centre pages (the one place their HTML responses and error pages are made), and their
static files, whose addresses carry a digest of their content so they can be cached for good."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.dates import format_date
from fastapi import Request
from fastapi.responses import HTMLResponse

from croupier.errors import CroupierError
from croupier.kit import i18n
from croupier.kit.templating import make_environment

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
# The widget talks to this server (fetch, server-sent events) and shows pictures sent in the chat as blobs.
CSP = ("default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; connect-src 'self'; "
       "frame-ancestors 'self'; base-uri 'self'; form-action 'self'")

env = make_environment(HERE / "templates")


@dataclass(frozen=True)
class BrandRef:
    slug: str
    name: str
    locales: tuple[str, ...]
    default_locale: str


@lru_cache
def static_files() -> dict[str, str]:
    """{file name: content digest} of every file shipped in static/ (nothing else can be asked for)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()[:12] for p in STATIC_DIR.iterdir() if p.is_file()}


def static_url(name: str) -> str:
    return f"/help/static/{name}?v={static_files()[name]}"


def _day(value: datetime) -> str:
    return format_date(value, "long", locale=i18n.current_locale.get())


env.globals.update(static=static_url)
env.filters["day"] = _day


def render(template: str, status_code: int = 200, headers: dict[str, str] | None = None,
           **context: Any) -> HTMLResponse:
    html = env.get_template(template).render(locale=i18n.current_locale.get(), **context)
    return HTMLResponse(html, status_code=status_code, headers={
        "Content-Security-Policy": CSP, "Cache-Control": "no-cache", "Vary": "Accept-Language, Cookie",
        **(headers or {})})


def render_error(request: Request, exc: CroupierError) -> HTMLResponse:
    """An error as a page in the reader's language, with links to the brand's help centre when it has one."""
    brand = getattr(exc, "brand", None)
    if brand is not None and i18n.current_locale.get() not in brand.locales:
        i18n.current_locale.set(i18n.negotiate(request.headers.get("accept-language"), brand.default_locale))
    return render("error.html", exc.status_code, exc.headers, message=exc.render(), status=exc.status_code,
                  brand=brand)
