"""Fuzzing the email parser with hypothesis: arbitrary bytes, the sample corpus
(tests/fixtures/channels/email/*.eml) mutated byte by byte, and messages built from random headers,
content types, charsets and transfer encodings. Whatever arrives is parsed — into a message with something to
show, into delivery updates, or into nothing for automatic mail — never an exception, and never text the
database would refuse (NUL, lone surrogates). Inputs that once broke it are kept in fuzz/ and replayed."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from croupier.channels.email import mime, quotes, sanitize
from croupier.channels.email.adapter import EmailAdapter
from croupier.channels.email.intake import payload_of
from croupier.models import Channel, ChannelType
from tests.channels.email.conftest import CORPUS

SEEDS = [p.read_bytes() for p in sorted(CORPUS.glob("*.eml"))]
REGRESSIONS = sorted((CORPUS / "fuzz").glob("*.eml"))
CHANNEL = Channel(id=1, brand_id=1, type=ChannelType.email, name="Lucky", key="em_fuzz", secret="s" * 32,
                  config={"address": "support@lucky.test", "smtp_host": "127.0.0.1", "listen_port": 2525})
ADAPTER = EmailAdapter()
FUZZ = settings(max_examples=250, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def storable(value: str | None) -> None:
    if value is not None:
        assert "\x00" not in value
        value.encode("utf-8")  # no lone surrogates


def check(raw: bytes, mail_from: str | None = None) -> None:
    payload = payload_of(raw, via="smtp", mail_from=mail_from)
    key = ADAPTER.external_id(payload)
    assert key and isinstance(key, str)
    parsed = ADAPTER.parse(CHANNEL, payload)
    for message in parsed.messages:
        assert message.text.strip() or message.attachments
        for value in (message.text, message.sender_id, message.sender_name, message.subject, message.external_id,
                      *message.thread, *(a.filename for a in message.attachments)):
            storable(value)
    for update in parsed.updates:
        storable(update.external_id)
        storable(update.reason)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        action = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "duplicate"]))
        if action == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif action == "insert":
            data[at:at] = draw(st.sampled_from([b"\r\n", b"\n\n", b"--", b"=?utf-8?B?", b"?=", b"\x00", b"\xff\xfe",
                                                b"boundary=", b"Content-Type: multipart/mixed; boundary=x\r\n",
                                                b"charset=unknown-8bit", b"=\r\n", b"=C3", b"<", b">", b"\"",
                                                draw(st.binary(max_size=16))]))
        elif action == "delete":
            del data[at:at + draw(st.integers(1, 64))]
        elif action == "truncate":
            del data[at:]
        elif action == "duplicate":
            data[at:at] = data[at:at + draw(st.integers(1, 200))]
    return bytes(data)


HEADER_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80)
CTYPES = ["text/plain", "text/html", "multipart/mixed", "multipart/alternative", "multipart/report",
          "message/rfc822", "message/delivery-status", "application/octet-stream", "image/png", "text/calendar",
          "multipart/related", "garbage", ""]
CHARSETS = ["utf-8", "koi8-r", "windows-1251", "iso-8859-1", "utf-16", "x-unknown", "", "base64", "idna", "utf-7",
            "gb2312", "shift_jis", "ascii"]
CTES = ["7bit", "8bit", "base64", "quoted-printable", "binary", "x-uuencode", "bogus", ""]


@st.composite
def built(draw: st.DrawFn) -> bytes:
    headers = [f"{name}: {draw(HEADER_TEXT)}" for name in draw(st.lists(st.sampled_from(
        ["From", "To", "Cc", "Subject", "Message-ID", "In-Reply-To", "References", "Auto-Submitted", "Precedence",
         "Content-Language", "Reply-To", "Delivered-To", "Content-Disposition"]), max_size=10))]
    ctype, charset, cte = draw(st.sampled_from(CTYPES)), draw(st.sampled_from(CHARSETS)), draw(st.sampled_from(CTES))
    params = f"; charset={charset}" if charset else ""
    params += "; boundary=b1" if draw(st.booleans()) else ""
    headers += [f"Content-Type: {ctype}{params}", f"Content-Transfer-Encoding: {cte}"]
    body = draw(st.one_of(st.binary(max_size=600), HEADER_TEXT.map(lambda t: t.encode("utf-8"))))
    if ctype.startswith("multipart/") and draw(st.booleans()):
        part = draw(st.sampled_from(SEEDS))
        body = b"--b1\r\n" + part[:800] + b"\r\n--b1\r\n" + body + (b"\r\n--b1--\r\n" if draw(st.booleans()) else b"")
    return "\r\n".join(headers).encode("utf-8", "surrogateescape") + b"\r\n\r\n" + body


class TestFuzz:
    @FUZZ
    @given(st.binary(max_size=3000), st.sampled_from([None, "", "someone@mail.test"]))
    def test_any_bytes(self, raw, mail_from):
        check(raw, mail_from)

    @FUZZ
    @given(mutated())
    def test_mutated_corpus(self, raw):
        check(raw)

    @FUZZ
    @given(built())
    def test_built_messages(self, raw):
        check(raw)

    @FUZZ
    @given(st.text(max_size=2000))
    def test_quote_trimming_and_html_rendering_take_any_text(self, text):
        shown = quotes.trim(text)
        assert shown.strip() or not text.strip()
        sanitize.to_text(text)

    @pytest.mark.parametrize("path", SEEDS + [p.read_bytes() for p in REGRESSIONS],
                             ids=[p.name for p in sorted(CORPUS.glob("*.eml")) + REGRESSIONS])
    def test_the_corpus_and_past_failures(self, path):
        check(path)
        mime.read(path)
