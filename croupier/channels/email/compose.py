"""An agent's reply as an email: From the channel's address, a stable Message-ID, In-Reply-To/References
continuing the player's thread (RFC 5322 §3.6.4), a Reply-To that carries the conversation, and
Auto-Submitted: auto-replied (RFC 3834) when the assistant wrote it rather than a person."""

from __future__ import annotations

import re
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

from croupier.channels.base import OutboundMessage
from croupier.channels.email import addresses
from croupier.channels.email.config import EmailConfig
from croupier.channels.email.mime import MSG_ID
from croupier.models import Channel

REPLY_PREFIX = re.compile(r"^\s*(?:re|aw|sv|vs|odp|отв|ответ|ynt)\s*:", re.IGNORECASE)


def compose(channel: Channel, settings: EmailConfig, message: OutboundMessage) -> EmailMessage:
    """`message.id` 0 is a message outside any conversation (a test message): a fresh Message-ID, no Reply-To."""
    mail = EmailMessage()
    mail["From"] = formataddr((settings.from_name or channel.name, settings.address))
    mail["To"] = message.recipient
    subject = message.subject or settings.from_name or channel.name
    mail["Subject"] = subject if not message.subject or REPLY_PREFIX.match(subject) else f"Re: {subject}"
    mail["Date"] = format_datetime(message.created_at)
    mail["Message-ID"] = (addresses.message_id(message.id, channel.secret, settings.domain) if message.id
                          else make_msgid("croupier", settings.domain))
    thread = [mid for mid in message.thread if MSG_ID.fullmatch(mid)]
    if thread:
        mail["In-Reply-To"] = thread[-1]
        mail["References"] = " ".join(thread[-10:])
    if settings.reply_token and message.conversation_id:
        mail["Reply-To"] = addresses.reply_address(settings.address, channel.secret, message.conversation_id)
    if message.automatic:
        mail["Auto-Submitted"] = "auto-replied"
        mail["X-Auto-Response-Suppress"] = "All"
    mail.set_content(message.text)
    return mail
