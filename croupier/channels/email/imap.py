"""The IMAP poller, a periodic task of the worker runner: for every active email channel with a mailbox, it
logs in (TLS, STARTTLS or plain), stores each unseen message (intake.store commits it) and only then flags it
\\Seen — or, with `imap_delete`, deletes and expunges it. Where the server offers IDLE (RFC 2177) it then
stays connected for up to IDLE_SECONDS and fetches new mail as soon as the server announces it.

A message larger than intake.MAX_BYTES is stored as its headers with a marked placeholder and left in the
mailbox (flagged \\Seen, never deleted). Several worker processes may poll the same mailbox: a message is
stored once (its Message-ID is the event's key). IMAPClient is blocking, so each call runs in a thread.

Each poll's outcome is kept in the channel's config under `imap_status` (`at`, `ok`, `stored`, `idle` or
`error`), for the console's channel page; the settings form leaves it alone."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import time

from imapclient import DELETED, SEEN, IMAPClient
from sqlalchemy import select

from croupier.channels.email import intake
from croupier.channels.email.config import EmailConfig, settings_of
from croupier.db import Database
from croupier.errors import CroupierError
from croupier.kit.clock import utcnow
from croupier.models import Channel, ChannelType

log = logging.getLogger(__name__)
BATCH = 50
IDLE_SECONDS = 240.0  # then the connection is closed; the next poll opens a new one (RFC 2177: < 29 min)
IDLE_CHECK = 2.0  # how long one wait in a thread lasts, so cancelling the poller is prompt
POLL_EVERY = 30.0
STATUS_KEY = "imap_status"


class Mailbox:
    """One IMAP session on the channel's folder."""

    def __init__(self, settings: EmailConfig) -> None:
        self.settings = settings
        self.client: IMAPClient | None = None

    def open(self) -> None:
        s = self.settings
        context = ssl.create_default_context(cafile=s.ca_file)
        client = IMAPClient(s.imap_host, port=s.imap_port_or_default, ssl=s.imap_security == "ssl",
                            ssl_context=context, timeout=30)
        try:
            if s.imap_security == "starttls":
                client.starttls(context)
            client.login(s.imap_user, s.imap_password)
            client.select_folder(s.imap_folder)
        except BaseException:
            with contextlib.suppress(Exception):
                client.shutdown()
            raise
        self.client = client

    @property
    def can_idle(self) -> bool:
        return self.client is not None and self.client.has_capability("IDLE")

    def unseen(self) -> list[int]:
        return sorted(self.client.search(["UNSEEN", "NOT", "DELETED"]))[:BATCH]

    def fetch(self, uid: int) -> tuple[bytes, int, bool] | None:
        """(bytes, size, truncated) of message `uid` without marking it read; None if it vanished."""
        size = self.client.fetch([uid], ["RFC822.SIZE"]).get(uid, {}).get(b"RFC822.SIZE")
        if size is None:
            return None
        if size > intake.MAX_BYTES:
            header = self.client.fetch([uid], ["BODY.PEEK[HEADER]"]).get(uid, {}).get(b"BODY[HEADER]")
            return (header, size, True) if header is not None else None
        body = self.client.fetch([uid], ["BODY.PEEK[]"]).get(uid, {}).get(b"BODY[]")
        return (body, size, False) if body is not None else None

    def done(self, uid: int, keep: bool) -> None:
        """After the message is stored: flag it read, or delete and expunge it."""
        if self.settings.imap_delete and not keep:
            self.client.add_flags([uid], [SEEN, DELETED])
            if self.client.has_capability("UIDPLUS"):
                self.client.uid_expunge([uid])
            else:
                self.client.expunge()
        else:
            self.client.add_flags([uid], [SEEN])

    def idle_start(self) -> None:
        self.client.idle()

    def idle_wait(self, seconds: float) -> bool:
        """Whether the server announced new mail within `seconds`."""
        return any(len(r) > 1 and r[1] in (b"EXISTS", b"RECENT") for r in self.client.idle_check(timeout=seconds))

    def idle_end(self) -> None:
        self.client.idle_done()

    def close(self) -> None:
        if self.client is not None:
            with contextlib.suppress(Exception):
                self.client.logout()
            with contextlib.suppress(Exception):
                self.client.shutdown()
            self.client = None


async def poll(db: Database, channel_id: int, settings: EmailConfig, *, idle_seconds: float = IDLE_SECONDS
               ) -> int:
    """Store the mailbox's new messages, then (with IDLE) keep fetching new ones for `idle_seconds`."""
    box = Mailbox(settings)
    await asyncio.to_thread(box.open)
    try:
        stored = await _drain(db, channel_id, box)
        idle = settings.imap_idle and idle_seconds > 0 and box.can_idle
        await record_status(db, channel_id, ok=True, stored=stored, idle=bool(idle))
        if not idle:
            return stored
        deadline = time.monotonic() + idle_seconds
        await asyncio.to_thread(box.idle_start)
        while time.monotonic() < deadline:
            if await asyncio.to_thread(box.idle_wait, min(IDLE_CHECK, max(deadline - time.monotonic(), 0.01))):
                await asyncio.to_thread(box.idle_end)
                stored += await _drain(db, channel_id, box)
                await asyncio.to_thread(box.idle_start)
        await asyncio.to_thread(box.idle_end)
        return stored
    finally:
        await asyncio.to_thread(box.close)


async def _drain(db: Database, channel_id: int, box: Mailbox) -> int:
    stored = 0
    while uids := await asyncio.to_thread(box.unseen):
        for uid in uids:
            fetched = await asyncio.to_thread(box.fetch, uid)
            if fetched is None:
                continue
            raw, size, truncated = fetched
            await intake.store(db, channel_id, raw, via="imap", size=size, truncated=truncated,
                               server_id=box.settings.auth_server_id)
            await asyncio.to_thread(box.done, uid, truncated)
            stored += 1
        if len(uids) < BATCH:
            break
    return stored


async def poll_mailboxes(db: Database, idle_seconds: float = IDLE_SECONDS) -> int:
    """The periodic task: poll every active email channel's mailbox at once; a failing one is logged."""
    async with db.transaction() as session:
        channels = list(await session.scalars(select(Channel).where(Channel.type == ChannelType.email,
                                                                    Channel.is_active.is_(True))))
    mailboxes = []
    for channel in channels:
        try:
            settings = settings_of(channel)
        except (CroupierError, ValueError) as exc:
            log.warning("email channel %s: settings not usable: %s", channel.id, exc)
            if channel.config.get("imap_host"):
                await record_status(db, channel.id, ok=False, error=f"settings not usable: {exc}")
            continue
        if settings.imap_host:
            mailboxes.append((channel.id, settings))
    results = await asyncio.gather(*(poll(db, cid, s, idle_seconds=idle_seconds) for cid, s in mailboxes),
                                   return_exceptions=True)
    for (channel_id, _settings), result in zip(mailboxes, results, strict=True):
        if isinstance(result, BaseException):
            log.warning("email channel %s: IMAP poll failed: %s: %s", channel_id, type(result).__name__, result)
            await record_status(db, channel_id, ok=False, error=f"{type(result).__name__}: {result}")
    return sum(r for r in results if isinstance(r, int))


async def record_status(db: Database, channel_id: int, *, ok: bool, stored: int = 0, idle: bool = False,
                        error: str | None = None) -> None:
    """Keep the poll's outcome on the channel (only that key of its config); a failure here is only logged."""
    status: dict[str, object] = {"at": utcnow().isoformat(), "ok": ok}
    if ok:
        status.update(stored=stored, idle=idle)
    else:
        status["error"] = (error or "failed")[:300]
    try:
        async with db.transaction() as session:
            channel = await session.get(Channel, channel_id, with_for_update=True)
            if channel is not None:
                channel.config = {**channel.config, STATUS_KEY: status}
    except Exception:  # noqa: BLE001
        log.exception("email channel %s: keeping the IMAP poll's outcome failed", channel_id)
