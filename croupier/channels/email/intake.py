"""Received mail into the pipeline: the raw message is stored as an InboundEvent keyed by its Message-ID (a
SHA-256 of the bytes when it has none) with its processing job, and committed — only then does the IMAP
poller flag or expunge it, or the SMTP listener answer 250. The same message arriving twice (by IMAP and by
SMTP, or polled by two workers) is stored once."""

from __future__ import annotations

import base64

from croupier.channels.email import mime
from croupier.channels.service import channel_service
from croupier.db import Database
from croupier.models import Channel

MAX_BYTES = 25 * 1024 * 1024  # larger messages are kept as headers with a marked placeholder


def payload_of(raw: bytes, *, via: str, mail_from: str | None = None, rcpt: list[str] | None = None,
               size: int | None = None, truncated: bool = False) -> dict[str, object]:
    return {"raw": base64.b64encode(raw).decode(), "via": via, "mail_from": mail_from, "rcpt": rcpt or [],
            "size": size if size is not None else len(raw), "truncated": truncated}


async def store(db: Database, channel_id: int, raw: bytes, **details: object) -> bool:
    """Store one received message durably; False when it was already stored (or the channel is gone)."""
    key, payload = mime.key_of(raw), payload_of(raw, **details)  # type: ignore[arg-type]
    async with db.transaction() as session:
        channel = await session.get(Channel, channel_id)
        if channel is None:
            return False
        _event, created = await channel_service.store_event(session, channel, key, payload)
    return created
