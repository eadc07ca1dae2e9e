"""Serves the widget to any casino site as one script: view.js (the screen), chat.js (the conversation
with the server) and croupier.css, wrapped in one function scope. No build step: the sources are plain
JavaScript and CSS, joined here.

One file keeps the embed to one request, and the styles (a constructed stylesheet) out of reach of the
page's content security policy for inline styles. Operators embed the stable URL, so it is revalidated
(ETag, 5 minutes fresh) rather than cached for ever; it is gzipped for phones.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Request, Response

router = APIRouter(prefix="/widget", include_in_schema=False)  # a static asset, not API

STATIC = Path(__file__).resolve().parent / "static"
SOURCES = ("croupier.css", "view.js", "chat.js")
BANNER = """/* Croupier chat widget. Embed with one tag:
 * <script src="https://support.example/widget/croupier.js" data-key="wc_..." async></script>
 * Optional: data-locale, data-color, and for a logged-in player data-player-id, data-player-signature
 * (hex HMAC-SHA256 of the player id under the channel's identity secret) and data-player-name. */
"""
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
def _bundle(_stamp: tuple[int, ...]) -> Bundle:
    css, view, chat = ((STATIC / name).read_text(encoding="utf-8") for name in SOURCES)
    script = "document.currentScript || document.querySelector('script[data-key][src*=\"/widget/croupier.js\"]')"
    start = f"startCroupier({script}, {json.dumps(css)});"
    body = f'{BANNER}(function () {{\n"use strict";\n{view}\n{chat}\n{start}\n}})();\n'.encode()
    return Bundle(body, gzip.compress(body, 9, mtime=0), f'W/"{hashlib.sha256(body).hexdigest()[:24]}"')


def bundle() -> Bundle:
    """The current bundle; rebuilt when a source file changes (editing needs no restart)."""
    return _bundle(tuple((STATIC / name).stat().st_mtime_ns for name in SOURCES))


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
