"""Audit-log entries on the wire."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class AuditEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor_user_id: int | None
    actor: str = Field(description="E-mail (and token prefix), 'system', 'cli', ...")
    action: str
    target_type: str | None
    target_id: str | None
    brand_id: int | None
    ip: str | None
    details: dict[str, Any]
    prev_hash: str
    hash: str = Field(description="SHA-256 over the previous entry's hash and this entry's fields")


class ChainOut(BaseModel):
    intact: bool
    entries: int = Field(description="How many entries were checked")
    first_broken_id: int | None = Field(description="The first entry whose hash or link is wrong; null if intact")
