"""Email: raw messages received by the IMAP poller (imap.py) or the SMTP listener (listener.py) are stored by
intake.py as InboundEvents, payload `{"raw": base64, "via", "mail_from", "rcpt", "size", "truncated"}`, keyed
by Message-ID; `parse` turns one into a message (or, for bounces and receipts, delivery updates); replies go
out through the channel's SMTP relay with aiosmtplib (STARTTLS or TLS, AUTH). See config.py for the settings."""

from __future__ import annotations

import base64
import binascii
import ssl
from datetime import UTC, datetime
from typing import Any

import aiosmtplib
import httpx

from croupier.channels.base import (
    InboundAttachment,
    InboundMessage,
    OutboundMessage,
    OutboundResult,
    Parsed,
    SendError,
)
from croupier.channels.email import addresses, mime, quotes, reports
from croupier.channels.email.compose import compose
from croupier.channels.email.config import EmailConfig, settings_of
from croupier.errors import CroupierError, NotFound
from croupier.kit.i18n import N_, gettext
from croupier.models import Channel

NO_SENDER = "(no sender)"
TOO_LARGE = N_("[This email is too large to receive (%(size)s MB); it was left in the mailbox.]")
UNREADABLE = N_("[This email could not be read: what was received is not a message.]")
NO_TEXT = N_("[An email without text (%(type)s).]")
BROKEN = N_("[This email's MIME structure is damaged; it is shown as far as it could be read.]")
GUESSED = N_("[The text was declared as %(declared)s but read as %(detected)s; some characters may be wrong.]")
UNDECLARED = N_("[The text had no declared encoding and was read as %(detected)s; some characters may be wrong.]")
UNDECODABLE = N_("[The text is in an encoding that cannot be read (%(charset)s); unreadable characters are "
                 "replaced.]")
OMITTED = N_("[Attachments not kept: %(count)s. The whole email is stored.]")
NO_SENDER_NOTE = N_("[This email has no sender address: replies cannot be sent.]")
UNAUTHENTICATED = N_("⚠ [Sender not verified (%(checks)s): this email may not come from %(domain)s. Do not act on "
                     "requests to change account details or payouts without checking.]")


def raw_of(payload: dict[str, Any]) -> bytes | None:
    try:
        return base64.b64decode(str(payload.get("raw", "")), validate=True)
    except (binascii.Error, ValueError):
        return None


def unauthenticated(payload: dict[str, Any]) -> str:
    """The warning shown first on a message whose sender failed authentication (see authentication.py), or ""."""
    auth = payload.get("auth")
    if not isinstance(auth, dict) or auth.get("verdict") != "fail":
        return ""
    reported = auth.get("reported") if isinstance(auth.get("reported"), dict) else {}
    checks = [f"DKIM {auth['dkim']}"] if auth.get("dkim") not in (None, "none") else []
    checks += [f"{name.upper()} {reported[name]}" for name in ("spf", "dkim", "dmarc")
               if reported.get(name) not in (None, "", "none")]
    return gettext(UNAUTHENTICATED) % {"checks": ", ".join(dict.fromkeys(checks)) or "failed",
                                       "domain": auth.get("from_domain") or "?"}


class EmailAdapter:
    def verify(self, channel: Channel, headers: dict[str, str], body: bytes) -> None:
        raise NotFound(N_("This channel receives email by IMAP or SMTP, not by webhook."), code="no_webhook")

    def external_id(self, payload: dict[str, Any]) -> str:
        raw = raw_of(payload)
        return mime.key_of(raw) if raw is not None else mime.digest_id(str(payload).encode())

    def parse(self, channel: Channel, payload: dict[str, Any]) -> Parsed:
        raw = raw_of(payload)
        if raw is None:
            return Parsed([InboundMessage(sender_id=NO_SENDER, external_id=self.external_id(payload),
                                          text=gettext(UNREADABLE), separate_threads=True)])
        letter = mime.read(raw)
        address = str(channel.config.get("address") or "")  # only what parsing needs: no settings can stop it
        own = "@" in address
        kind = reports.kind(letter.message, letter.sender, payload.get("mail_from"))
        if kind in (reports.Kind.bounce, reports.Kind.receipt):
            return Parsed(updates=reports.updates(letter.message))
        if kind == reports.Kind.automatic or (own and letter.sender and addresses.same_mailbox(letter.sender,
                                                                                               address)):
            return Parsed()  # auto-replies, lists and our own mail never open conversations: no loops
        text = quotes.trim(letter.text) if letter.text else ""
        notes = self._notes(letter, payload)
        warning = unauthenticated(payload)
        if not text and not letter.attachments and not notes:
            notes.append(gettext(NO_TEXT) % {"type": letter.content_type})
        recipients = [*letter.recipients, *(str(r).lower() for r in payload.get("rcpt") or [])]
        return Parsed([InboundMessage(
            sender_id=letter.sender or NO_SENDER, external_id=self.external_id(payload),
            text="\n\n".join(p for p in (warning, text, *notes) if p), sender_name=letter.sender_name,
            locale=letter.language,
            attachments=tuple(InboundAttachment(f"part-{i}", p.filename, p.content)
                              for i, p in enumerate(letter.attachments)),
            separate_threads=True, thread=letter.thread, subject=letter.subject, email=letter.sender,
            conversation_id=addresses.conversation_in(recipients, address, channel.secret)
            if own and channel.config.get("reply_token", True) else None)])

    def _notes(self, letter: mime.Letter, payload: dict[str, Any]) -> list[str]:
        notes = []
        if letter.headerless:
            return [gettext(UNREADABLE)]
        if payload.get("truncated"):
            notes.append(gettext(TOO_LARGE) % {"size": round(int(payload.get("size") or 0) / 1_048_576, 1)})
        if letter.broken:
            notes.append(gettext(BROKEN))
        for declared, detected in letter.guessed_charsets[:3]:
            notes.append(gettext(GUESSED) % {"declared": declared, "detected": detected} if declared
                         else gettext(UNDECLARED) % {"detected": detected})
        for charset in letter.undecodable[:3]:
            notes.append(gettext(UNDECODABLE) % {"charset": charset})
        if letter.omitted_attachments:
            notes.append(gettext(OMITTED) % {"count": letter.omitted_attachments})
        if not letter.sender:
            notes.append(gettext(NO_SENDER_NOTE))
        return notes

    async def send_message(self, channel: Channel, message: OutboundMessage, client: httpx.AsyncClient
                           ) -> OutboundResult:
        if "@" not in message.recipient:
            raise SendError("the player has no email address to reply to", retryable=False)
        try:
            settings = settings_of(channel)
        except (CroupierError, ValueError) as exc:
            raise SendError(f"the channel's email settings are not usable: {exc}", retryable=False) from exc
        mail = compose(channel, settings, message)
        await deliver(settings, mail, message.recipient)
        return OutboundResult(external_id=str(mail["Message-ID"]))

    async def send(self, channel: Channel, recipient: str, text: str, client: httpx.AsyncClient) -> OutboundResult:
        """A message outside any conversation (the channel administration's test message)."""
        return await self.send_message(channel, OutboundMessage(id=0, conversation_id=0, recipient=recipient,
                                                                text=text, created_at=datetime.now(UTC)), client)

    async def fetch(self, channel: Channel, ref: str, client: httpx.AsyncClient) -> bytes:
        raise SendError("email attachments travel inside the message", retryable=False)


def tls_context(settings: EmailConfig) -> ssl.SSLContext | None:
    return ssl.create_default_context(cafile=settings.ca_file) if settings.ca_file else None


async def deliver(settings: EmailConfig, mail: Any, recipient: str) -> None:
    """Hand `mail` to the channel's SMTP relay; SendError says whether trying again can help."""
    try:
        await aiosmtplib.send(
            mail, sender=settings.address, recipients=[recipient], hostname=settings.smtp_host,
            port=settings.smtp_port_or_default, username=settings.smtp_user or None,
            password=settings.smtp_password or None, use_tls=settings.smtp_security == "ssl",
            start_tls=True if settings.smtp_security == "starttls" else False if settings.smtp_security == "none"
            else None, tls_context=tls_context(settings), timeout=30)
    except aiosmtplib.SMTPRecipientsRefused as exc:
        codes = [r.code for r in exc.recipients]
        reason = "; ".join(f"{r.code} {r.message}" for r in exc.recipients)[:400]
        raise SendError(f"recipient refused: {reason}", retryable=all(400 <= c < 500 for c in codes)) from exc
    except aiosmtplib.SMTPResponseException as exc:
        raise SendError(f"SMTP {exc.code}: {exc.message}"[:450], retryable=400 <= exc.code < 500) from exc
    except ssl.SSLError as exc:
        raise SendError(f"TLS: {exc}"[:450], retryable=False) from exc
    except (aiosmtplib.SMTPConnectError, aiosmtplib.SMTPTimeoutError, aiosmtplib.SMTPServerDisconnected,
            OSError) as exc:
        raise SendError(f"network: {type(exc).__name__}: {exc}"[:450], retryable=True) from exc
    except aiosmtplib.SMTPException as exc:  # e.g. STARTTLS required but not offered: the settings are wrong
        raise SendError(f"SMTP: {exc}"[:450], retryable=False) from exc
