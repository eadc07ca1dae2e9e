"""Received mail into the pipeline: the raw message is stored as an InboundEvent keyed by its Message-ID (a
SHA-256 of the bytes when it has none) with its processing job, and committed — only then does the IMAP
poller flag or expunge it, or the SMTP listener answer 250. The same message arriving twice (by IMAP and by
SMTP, or polled by two workers) is stored once. The sender's authentication (authentication.py: DKIM, and the
receiving server's SPF/DKIM/DMARC findings) is checked first and kept in the payload as `auth`."""

from __future__ import annotations

import base64

from croupier.channels.email import authentication, mime
from croupier.channels.service import channel_service
from croupier.db import Database
from croupier.models import Channel

MAX_BYTES = 25 * 1024 * 1024  # larger messages are kept as headers with a marked placeholder


def payload_of(raw: bytes, *, via: str, mail_from: str | None = None, rcpt: list[str] | None = None,
               size: int | None = None, truncated: bool = False, auth: dict[str, object] | None = None
               ) -> dict[str, object]:
    payload = {"raw": base64.b64encode(raw).decode(), "via": via, "mail_from": mail_from, "rcpt": rcpt or [],
               "size": size if size is not None else len(raw), "truncated": truncated}
    return {**payload, "auth": auth} if auth is not None else payload


async def store(db: Database, channel_id: int, raw: bytes, *, server_id: str | None = None,
                **details: object) -> bool:
    """Store one received message durably; False when it was already stored (or the channel is gone).
    `server_id`: the receiving mail server whose Authentication-Results are trusted (IMAP; see authentication)."""
    auth = await authentication.check_async(raw, via=str(details.get("via") or ""), server_id=server_id,
                                            truncated=bool(details.get("truncated")))
    key, payload = mime.key_of(raw), payload_of(raw, auth=auth, **details)  # type: ignore[arg-type]
    async with db.transaction() as session:
        channel = await session.get(Channel, channel_id)
        if channel is None:
            return False
        _event, created = await channel_service.store_event(session, channel, key, payload)
    return created
