"""The APIRoute of the JSON API: refuses a request body of the wrong media type with 415 before
reading it, and documents only the error statuses the route can actually give.

JSON routes want `application/json` (or `application/*+json`); upload routes want
`multipart/form-data`. Without this, FastAPI would hand the raw bytes to validation and answer
with a confusing 422."""

from __future__ import annotations

import email.message
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request, Response
from fastapi import params as fastapi_params
from fastapi.dependencies.utils import get_flat_params
from fastapi.routing import APIRoute

from croupier.errors import UnsupportedMediaType
from croupier.kit.i18n import N_

JSON, MULTIPART = "application/json", "multipart/form-data"


def _media(header: str) -> tuple[str, str]:
    message = email.message.Message()
    message["content-type"] = header
    return message.get_content_maintype(), message.get_content_subtype()


def _has_body(request: Request) -> bool:
    length = request.headers.get("content-length")
    return bool(request.headers.get("transfer-encoding")) or (length is not None and length != "0")


def _accepts(expected: str, header: str) -> bool:
    if not header:
        return False
    main, sub = _media(header)
    if expected == JSON:
        return main == "application" and (sub == "json" or sub.endswith("+json"))
    return f"{main}/{sub}" == MULTIPART


class JsonRoute(APIRoute):
    """Use as `APIRouter(route_class=JsonRoute, responses=API_ERRORS)`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        params = get_flat_params(self.dependant)
        has_input = self.body_field is not None or bool(params)
        has_body = self.body_field is not None
        possible = {400: has_input, 404: bool(self.dependant.path_params), 413: has_body, 415: has_body,
                    422: has_input}
        self.responses = {code: r for code, r in self.responses.items() if possible.get(code, True)}

    @property
    def expected_media_type(self) -> str | None:
        if self.body_field is None:
            return None
        return MULTIPART if isinstance(self.body_field.field_info, fastapi_params.Form) else JSON

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handler = super().get_route_handler()
        expected = self.expected_media_type
        if expected is None:
            return handler

        async def checked(request: Request) -> Response:
            header = request.headers.get("content-type", "")
            if _has_body(request) and not _accepts(expected, header):
                if not header:
                    raise UnsupportedMediaType(N_("The request has a body but no Content-Type header; send it as "
                                                  "%(expected)s."), expected=expected)
                raise UnsupportedMediaType(N_("This address accepts %(expected)s, not %(received)s."),
                                           expected=expected, received=header.split(";")[0].strip()[:100])
            return await handler(request)

        return checked
