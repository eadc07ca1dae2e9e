"""Rendering console pages and errors."""

from fastapi import Request
from fastapi.responses import HTMLResponse

from croupier.errors import CroupierError


def render_error(request: Request, exc: CroupierError) -> HTMLResponse:
    return HTMLResponse(exc.render(), status_code=exc.status_code)
