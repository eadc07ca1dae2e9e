"""Keyset pagination: a page of items and an opaque cursor pointing after the last one."""

from __future__ import annotations

import base64
import binascii
from typing import Generic, TypeVar

import orjson
from pydantic import BaseModel, Field

from croupier.errors import BadRequest
from croupier.kit.i18n import N_
from croupier.kit.ids import MAX_ID

T = TypeVar("T")
MAX_CURSOR_CHARS = 500


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(None, description="Pass as ?cursor= to get the next page; null on the last page")


def encode_cursor(*values: str | int) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(list(values))).decode().rstrip("=")


def decode_cursor(cursor: str, *types: type) -> list[str | int]:
    """The values of a cursor made by `encode_cursor`, checked against the expected types."""
    try:
        if len(cursor) > MAX_CURSOR_CHARS:
            raise ValueError
        values = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != len(types):
            raise ValueError
        if not all(type(v) is t for v, t in zip(values, types, strict=True)):
            raise ValueError
        if any(isinstance(v, int) and not 0 <= v <= MAX_ID for v in values):
            raise ValueError
    except (ValueError, binascii.Error, orjson.JSONDecodeError):
        raise BadRequest(N_("The cursor is not valid: pass the next_cursor of a previous page unchanged."),
                         code="invalid_cursor") from None
    return values
