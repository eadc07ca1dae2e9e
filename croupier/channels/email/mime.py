"""Reading a raw email (RFC 5322 + MIME) with the standard library's parser (policy.default) into the
facts the adapter needs. Never raises on what a sender can put in a message: broken structure, unknown or
wrong charsets and undecodable parts come back as flags for the adapter to mark.

Body: in multipart/alternative the text/plain part is preferred over text/html (rendered to text by
`sanitize`); the inline text parts of other multiparts are joined in order (Apple Mail splits text around
inline images). Every other leaf, and every part marked as an attachment, is an attachment."""

from __future__ import annotations

import hashlib
import mimetypes
import re
from dataclasses import dataclass, field
from email import errors, policy
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser, BytesParser
from email.utils import getaddresses

from charset_normalizer import from_bytes

from croupier.channels.email import sanitize

MAX_ATTACHMENTS = 20
MAX_PARTS = 200
MAX_TEXT = 100_000  # characters of body text kept for trimming and display
MSG_ID = re.compile(r"<[^<>\s]{1,250}>")
ADDR_SPEC = re.compile(r"^[^@\s<>]{1,64}@[^@\s<>]{1,253}$")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
BROKEN = (errors.NoBoundaryInMultipartDefect, errors.StartBoundaryNotFoundDefect,
          errors.CloseBoundaryNotFoundDefect, errors.MultipartInvariantViolationDefect,
          errors.MissingHeaderBodySeparatorDefect, errors.InvalidBase64CharactersDefect,
          errors.InvalidBase64PaddingDefect, errors.InvalidBase64LengthDefect)


@dataclass(frozen=True)
class Part:
    filename: str
    content_type: str
    content: bytes


@dataclass
class Letter:
    message: EmailMessage  # the parsed message, for reports.py
    message_id: str | None = None  # "<…>"
    sender: str | None = None  # From's address, lower-cased
    sender_name: str | None = None
    subject: str | None = None
    thread: tuple[str, ...] = ()  # References then In-Reply-To, oldest first
    recipients: tuple[str, ...] = ()  # To, Cc, Delivered-To, X-Original-To
    language: str | None = None
    content_type: str = "text/plain"
    text: str = ""
    attachments: list[Part] = field(default_factory=list)
    omitted_attachments: int = 0
    guessed_charsets: list[tuple[str, str]] = field(default_factory=list)  # (declared or "", detected)
    undecodable: list[str] = field(default_factory=list)  # declared charsets nothing could read
    broken: bool = False  # the MIME structure is damaged: shown as far as it could be read
    headerless: bool = False  # not an email at all: nothing to show but a placeholder


def digest_id(raw: bytes) -> str:
    """The stand-in key of a message without a Message-ID."""
    return f"sha256:{hashlib.sha256(raw).hexdigest()}"


def key_of(raw: bytes) -> str:
    """A received message's unique key: its Message-ID (headers only are read), else the digest of its bytes."""
    ids = MSG_ID.findall(header(BytesHeaderParser(policy=policy.default).parsebytes(raw), "message-id"))
    return ids[0] if ids else digest_id(raw)


def read(raw: bytes) -> Letter:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    letter = Letter(message=message)
    if not message.keys():
        letter.headerless = True
        return letter
    ids = MSG_ID.findall(header(message, "message-id"))
    letter.message_id = ids[0] if ids else None
    letter.thread = tuple(dict.fromkeys(MSG_ID.findall(header(message, "references"))
                                        + MSG_ID.findall(header(message, "in-reply-to"))))
    letter.sender_name, letter.sender = _from(message)
    letter.subject = " ".join(header(message, "subject").split())[:300] or None
    letter.recipients = tuple(a for name in ("to", "cc", "delivered-to", "x-original-to")
                              for a in addresses(header(message, name)))
    language = header(message, "content-language").split(",")[0].strip()
    letter.language = language[:16] or None
    letter.content_type = _content_type(message)
    texts: list[str] = []
    counter = [0]
    _walk(message, letter, texts, counter, depth=0)
    letter.text = clean("\n\n".join(t.strip("\n") for t in texts if t.strip())[:MAX_TEXT])
    letter.broken = letter.broken or any(isinstance(d, BROKEN) for d in message.defects)
    return letter


def clean(text: str) -> str:
    """Text safe to store: raw 8-bit bytes the parser kept as surrogates read as UTF-8, control characters
    (NUL included, which PostgreSQL refuses) dropped."""
    if any("\ud800" <= c <= "\udfff" for c in text):
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return CONTROL.sub("", text)


def header(message: Message, name: str) -> str:
    """A header's decoded value, or "" — from the raw text when the structured parser chokes on it."""
    try:
        value = message.get(name)
        return "" if value is None else clean(str(value))
    except Exception:  # noqa: BLE001 - hostile headers can break the stdlib's structured parser
        for key, raw in message.raw_items():
            if key.lower() == name:
                try:
                    return clean(str(make_header(decode_header(raw))))
                except Exception:  # noqa: BLE001
                    return clean(raw.encode("utf-8", "replace").decode("utf-8", "replace"))
        return ""


def addresses(value: str) -> list[str]:
    return [addr.lower() for _name, addr in getaddresses([value]) if ADDR_SPEC.match(addr)]


def _from(message: Message) -> tuple[str | None, str | None]:
    value = header(message, "from")
    for name, addr in getaddresses([value]):
        if ADDR_SPEC.match(addr):
            return (" ".join(name.split())[:200] or None), addr.lower()
    return None, None


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:  # noqa: BLE001
        return "application/octet-stream"


def _is_attachment(part: Message) -> bool:
    try:
        return part.get_content_disposition() == "attachment"
    except Exception:  # noqa: BLE001
        return False


def _walk(part: Message, letter: Letter, texts: list[str], counter: list[int], depth: int) -> None:
    counter[0] += 1
    if counter[0] > MAX_PARTS or depth > 20:
        letter.broken = True
        return
    letter.broken = letter.broken or any(isinstance(d, BROKEN) for d in part.defects)
    ctype = _content_type(part)
    if ctype.startswith("multipart/") and part.is_multipart():
        children = [p for p in part.get_payload() if isinstance(p, Message)]
        if ctype == "multipart/alternative":
            children = _preferred(children)
        for child in children:
            _walk(child, letter, texts, counter, depth + 1)
        return
    if (ctype in ("text/plain", "text/html") and not _is_attachment(part)) or ctype.startswith("multipart/"):
        text = _text(part, letter)
        texts.append(sanitize.to_text(text) if ctype == "text/html" else text)
        return
    if ctype in ("message/delivery-status", "message/disposition-notification") and depth > 0:
        return  # machine-readable reports: read by reports.py
    _attach(part, ctype, letter)


def _preferred(children: list[Message]) -> list[Message]:
    """Of the alternatives, the plain text if there is one, else HTML, else the richest (last) one."""
    for wanted in ("text/plain", "text/html"):
        for child in children:
            if _content_type(child) == wanted and not _is_attachment(child):
                return [child]
    return children[-1:]


def _text(part: Message, letter: Letter) -> str:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001
        data = None
    if not isinstance(data, bytes):  # the stored event keeps what could not be decoded
        letter.broken = True
        return ""
    declared = _charset(part)
    for codec in ([declared] if declared else []) + ["ascii", "utf-8"]:
        try:
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError, ValueError):
            continue
    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        letter.guessed_charsets.append((declared, best.encoding))
        return data.decode(best.encoding, "replace")
    letter.undecodable.append(declared or "unknown")
    return data.decode("utf-8", "replace")


def _charset(part: Message) -> str:
    if _content_type(part).startswith("multipart/"):
        return ""
    try:
        declared = part.get_param("charset") or ""
    except Exception:  # noqa: BLE001
        return ""
    return declared.strip().lower()[:40] if isinstance(declared, str) else ""


def _attach(part: Message, ctype: str, letter: Letter) -> None:
    if len(letter.attachments) >= MAX_ATTACHMENTS:
        letter.omitted_attachments += 1
        return
    try:
        if ctype.startswith("message/"):
            inner = part.get_payload()
            content = inner[0].as_bytes() if isinstance(inner, list) and inner else bytes(part.get_payload(decode=True)
                                                                                          or b"")
        else:
            content = part.get_payload(decode=True) or b""
    except Exception:  # noqa: BLE001 - an unreadable part is reported, the rest of the message is kept
        letter.broken = True
        return
    try:
        filename = part.get_filename()
    except Exception:  # noqa: BLE001
        filename = None
    if not filename:
        ext = ".eml" if ctype == "message/rfc822" else mimetypes.guess_extension(ctype) or ".bin"
        filename = f"attachment-{len(letter.attachments) + 1}{ext}"
    letter.attachments.append(Part(clean(" ".join(str(filename).split()))[:200], ctype, content))
