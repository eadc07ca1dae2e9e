"""The shape of every error response, for the OpenAPI document (rendered by `croupier.errors`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class FieldProblem(BaseModel):
    field: str = Field(description="Dotted path of the field, e.g. query.limit or scopes.0")
    problem: str


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="allow")

    code: str = Field(description="Stable machine-readable code, e.g. not_found, invalid_payload")
    message: str = Field(description="Human-readable, in the language of the request's Accept-Language")
    fields: list[FieldProblem] | None = Field(None, description="Only for invalid_payload (422)")


class ErrorOut(BaseModel):
    error: ErrorDetail


def _response(description: str) -> dict[str, Any]:
    return {"model": ErrorOut, "description": description}


API_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _response("The request breaks a rule (malformed JSON, invalid cursor, ...)"),
    401: _response("The API token is missing, invalid, expired or revoked"),
    403: _response("The token or its owner lacks the permission"),
    404: _response("Not found, or outside the brands you work on"),
    413: _response("The body is larger than the limit"),
    415: _response("The body is not of the media type this address accepts"),
    422: _response("Some fields are invalid; `fields` lists them"),
    429: _response("Too many requests for this token; wait and retry"),
}
CONFLICT: dict[int | str, dict[str, Any]] = {409: _response("Something with this name already exists")}
