"""The built-in SMTP listener (aiosmtpd), run by the app in its own event loop: one server per distinct
(listen_host, listen_port) of the active email channels, found at start-up and checked again every
SYNC_SECONDS; it offers STARTTLS when a channel on that address names a certificate and key. RCPT TO is
accepted only for a channel's address or its +tag sub-addresses (never a relay: anything else gets 550);
DATA is answered 250 only after the message is stored and committed (intake.store) for every channel it was
addressed to, 451 if that failed, so the sending server tries again.

Several app processes bind the same port (SO_REUSEPORT) and the kernel spreads connections between them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import ssl

from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import select

from croupier.channels.email import addresses, intake
from croupier.channels.email.config import EmailConfig, settings_of
from croupier.db import Database
from croupier.errors import CroupierError
from croupier.models import Channel, ChannelType

log = logging.getLogger(__name__)
SYNC_SECONDS = 60.0
Address = tuple[str, int]


class Mailroom:
    """aiosmtpd's handler for one listening address."""

    def __init__(self, db: Database, bound: Address) -> None:
        self.db, self.bound = db, bound

    async def channels(self) -> list[tuple[int, str]]:
        """(channel id, address) of the active email channels listening here."""
        async with self.db.transaction() as session:
            found = await session.scalars(select(Channel).where(Channel.type == ChannelType.email,
                                                                Channel.is_active.is_(True)))
            return [(c.id, s.address) for c, s in ((c, _settings(c)) for c in found)
                    if s is not None and (s.listen_host, s.listen_port) == self.bound]

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:
        try:
            ours = [cid for cid, own in await self.channels() if addresses.same_mailbox(address, own)]
        except Exception:  # noqa: BLE001 - the database is unavailable: the sender will try again
            log.exception("SMTP listener: looking up channels failed")
            return "451 4.3.0 Temporary failure, try again later"
        if not ours:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        routed: set[int] = getattr(envelope, "croupier_channels", set())
        routed.update(ours)
        envelope.croupier_channels = routed  # type: ignore[attr-defined]
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or (envelope.content if isinstance(envelope.content, bytes) else b"")
        mail_from = (envelope.mail_from or "").strip("<>")  # "" is the null reverse-path of bounces
        try:
            for channel_id in sorted(getattr(envelope, "croupier_channels", ())):
                await intake.store(self.db, channel_id, raw, via="smtp", mail_from=mail_from,
                                   rcpt=list(envelope.rcpt_tos))
        except Exception:  # noqa: BLE001 - not stored, not acknowledged: the sender retries
            log.exception("SMTP listener: storing a message failed")
            return "451 4.3.0 Temporary failure, try again later"
        return "250 2.0.0 OK: stored"


def _settings(channel: Channel) -> EmailConfig | None:
    try:
        settings = settings_of(channel)
    except (CroupierError, ValueError):
        return None
    return settings if settings.listen_port else None


class SmtpListeners:
    """Owned by the app's lifespan: starts, re-checks and stops the listening servers."""

    def __init__(self, db: Database, hostname: str = "croupier") -> None:
        self.db, self.hostname = db, hostname
        self.servers: dict[Address, asyncio.AbstractServer] = {}
        self.certificates: dict[Address, tuple[str, str] | None] = {}
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Never stops the app from starting: a failed look-up is logged and tried again by the re-check."""
        try:
            await self.sync()
        except Exception:  # noqa: BLE001
            log.exception("SMTP listener: looking up the email channels failed")
        self._task = asyncio.create_task(self._resync(), name="smtp-listeners")

    async def sync(self) -> None:
        """Listen on every address an active email channel asks for; stop listening where none does."""
        wanted: dict[Address, tuple[str, str] | None] = {}
        async with self.db.transaction() as session:
            for channel in await session.scalars(select(Channel).where(Channel.type == ChannelType.email,
                                                                       Channel.is_active.is_(True)).order_by(Channel.id)):
                s = _settings(channel)
                if s is not None:
                    pair = (s.listen_cert_file, s.listen_key_file) if s.listen_cert_file and s.listen_key_file else None
                    wanted[(s.listen_host, s.listen_port)] = wanted.get((s.listen_host, s.listen_port)) or pair
        for bound in [b for b in self.servers if b not in wanted or wanted[b] != self.certificates.get(b)]:
            server = self.servers.pop(bound)  # no longer wanted, or its certificate changed: started again below
            server.close()
            await server.wait_closed()
        for bound, certificate in wanted.items():
            if bound in self.servers:
                continue
            try:
                self.servers[bound] = await self._serve(bound, certificate)
                self.certificates[bound] = certificate
            except (OSError, ssl.SSLError) as exc:
                log.error("SMTP listener: cannot listen on %s:%s: %s", *bound, exc)

    async def _serve(self, bound: Address, certificate: tuple[str, str] | None) -> asyncio.AbstractServer:
        loop = asyncio.get_running_loop()
        handler = Mailroom(self.db, bound)
        context = None
        if certificate is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*certificate)
        return await loop.create_server(
            lambda: SMTP(handler, hostname=self.hostname, data_size_limit=intake.MAX_BYTES, enable_SMTPUTF8=True,
                         decode_data=False, timeout=120, tls_context=context, loop=loop),
            host=bound[0], port=bound[1], reuse_port=hasattr(socket, "SO_REUSEPORT"))

    async def _resync(self) -> None:
        while True:
            await asyncio.sleep(SYNC_SECONDS)
            try:
                await self.sync()
            except Exception:  # noqa: BLE001
                log.exception("SMTP listener: re-checking the channels failed")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for server in self.servers.values():
            server.close()
        for server in self.servers.values():
            await server.wait_closed()
        self.servers.clear()
        self.certificates.clear()
