"""Bounds for ids coming from outside: both databases store ids as signed 64-bit integers, so a larger
number is refused as invalid input (422) instead of overflowing the driver."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from pydantic import Field

MAX_ID = 2**63 - 1

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
