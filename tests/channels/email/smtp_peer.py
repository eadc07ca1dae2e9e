"""A real SMTP server on 127.0.0.1 for the email channel's outbound tests (aiosmtpd in the test's event loop):
it keeps what it is given, can require STARTTLS (with a certificate from certificates.py) and AUTH, and
answers with scripted refusals when a test asks for them."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from tests.channels.email.certificates import self_signed
from tests.servers import free_port


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return BytesParser(policy=policy.default).parsebytes(self.raw)


@dataclass
class Peer:
    port: int
    ca_file: str | None
    user: str | None
    password: str | None
    received: list[Received] = field(default_factory=list)
    data_answers: list[str] = field(default_factory=list)  # scripted DATA replies, used up in order
    refused: dict[str, str] = field(default_factory=dict)  # recipient -> RCPT reply
    logins: list[str] = field(default_factory=list)

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          options: list[str]) -> str:
        if address in self.refused:
            return self.refused[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.data_answers:
            return self.data_answers.pop(0)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 2.0.0 queued"

    def authenticate(self, server: SMTP, session: Session, envelope: Envelope, mechanism: str,
                     data: LoginPassword) -> AuthResult:
        ok = (data.login.decode(), data.password.decode()) == (self.user, self.password)
        if ok:
            self.logins.append(data.login.decode())
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself


@contextlib.asynccontextmanager
async def smtp_peer(tmp: Path | None = None, *, user: str | None = None, password: str | None = None
                    ) -> AsyncIterator[Peer]:
    """With `tmp`: STARTTLS required (certificate written there); with `user`: AUTH required (after TLS)."""
    context = None
    ca_file = None
    if tmp is not None:
        cert, key = self_signed(tmp)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        ca_file = str(cert)
    peer = Peer(free_port(), ca_file, user, password)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(peer, hostname="peer.test", tls_context=context, require_starttls=context is not None,
                     authenticator=peer.authenticate if user else None, auth_required=bool(user),
                     auth_require_tls=context is not None, loop=loop),
        host="127.0.0.1", port=peer.port)
    try:
        yield peer
    finally:
        server.close()
        await server.wait_closed()
