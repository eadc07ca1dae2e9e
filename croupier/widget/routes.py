"""Serves the widget's script, with its stylesheet inlined, to any casino site.

One file keeps the embed to one request and the styles out of reach of the page's content security
policy for inline styles. Operators embed the stable URL, so it is revalidated (ETag, 5 minutes fresh)
rather than cached for ever; it is gzipped for phones.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Request, Response

router = APIRouter(prefix="/widget", tags=["widget"])

STATIC = Path(__file__).resolve().parent / "static"
CSS_PLACEHOLDER = '"__CROUPIER_CSS__"'
HEADERS = {
    "Cache-Control": "public, max-age=300, stale-while-revalidate=86400",
    "Access-Control-Allow-Origin": "*",
    "Cross-Origin-Resource-Policy": "cross-origin",
    "Vary": "Accept-Encoding",
}


@dataclass(frozen=True)
class Bundle:
    body: bytes
    gzipped: bytes
    etag: str


@lru_cache(maxsize=2)
def _bundle(_stamp: tuple[int, int]) -> Bundle:
    script = (STATIC / "croupier.js").read_text(encoding="utf-8")
    css = (STATIC / "croupier.css").read_text(encoding="utf-8")
    body = script.replace(CSS_PLACEHOLDER, json.dumps(css)).encode()
    return Bundle(body, gzip.compress(body, 9, mtime=0), f'W/"{hashlib.sha256(body).hexdigest()[:24]}"')


def bundle() -> Bundle:
    """The current bundle; rebuilt when a source file changes (editing needs no restart)."""
    return _bundle(((STATIC / "croupier.js").stat().st_mtime_ns, (STATIC / "croupier.css").stat().st_mtime_ns))


@router.api_route("/croupier.js", methods=["GET", "HEAD"], summary="The chat widget to embed on a casino site")
async def script(request: Request) -> Response:
    current = bundle()
    headers = {**HEADERS, "ETag": current.etag}
    wanted = {tag.strip() for tag in request.headers.get("if-none-match", "").split(",")}
    if current.etag in wanted or current.etag.removeprefix("W/") in wanted:
        return Response(status_code=304, headers=headers)
    body = current.body
    if "gzip" in request.headers.get("accept-encoding", ""):
        body, headers["Content-Encoding"] = current.gzipped, "gzip"
    return Response(body, media_type="text/javascript; charset=utf-8", headers=headers)
