"""The console's static files (stylesheet, script, vendored htmx), cached for good: their addresses carry
a digest of their content, so a changed file gets a new address."""

from __future__ import annotations

import hashlib
import mimetypes
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from croupier.errors import NotFound
from croupier.kit.i18n import N_

router = APIRouter()
STATIC_DIR = Path(__file__).resolve().parent / "static"


@lru_cache
def _files() -> dict[str, str]:
    """{path under static/: content digest} for every file shipped (nothing else can be asked for)."""
    return {p.relative_to(STATIC_DIR).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()[:12]
            for p in STATIC_DIR.rglob("*") if p.is_file()}


def static_url(name: str) -> str:
    return f"/console/static/{name}?v={_files()[name]}"


@router.get("/static/{name:path}")
async def static_file(name: str) -> FileResponse:
    if name not in _files():
        raise NotFound(N_("There is nothing at this address."))
    media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if media_type.startswith("text/") or media_type.endswith("javascript"):
        media_type += "; charset=utf-8"
    return FileResponse(STATIC_DIR / name, media_type=media_type,
                        headers={"Cache-Control": "public, max-age=31536000, immutable"})
