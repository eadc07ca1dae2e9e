"""Sender authentication of received mail: DKIM signatures verified with keys generated here and served by
an injected DNS resolver, the receiving server's Authentication-Results read for IMAP mail (and ignored for
mail our own SMTP listener received), the result kept on the stored event, and a message that fails shown
with a warning first — never dropped."""

from __future__ import annotations

import base64

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select

from croupier.channels.email import authentication
from croupier.models import InboundEvent, Message
from tests.channels.email.conftest import ADDRESS, receive

SELECTOR, DOMAIN = b"mail2026", b"player-mail.test"
WARNING = "⚠ [Sender not verified"


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def resolver(key, monkeypatch):
    """The sender domain's DNS: its DKIM public key at <selector>._domainkey.<domain>; looked-up names kept."""
    public = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    records = {SELECTOR + b"._domainkey." + DOMAIN + b".": b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)}
    asked: list[bytes] = []

    def txt(name: bytes, timeout: int = 5) -> bytes | None:
        asked.append(name)
        return records.get(name)

    monkeypatch.setattr(authentication, "dns_txt", txt)
    return asked


def letter(sender: str = "olena@player-mail.test", body: str = "Please change my payout card to 4111.",
           headers: str = "") -> bytes:
    return (f"{headers}From: Olena Koval <{sender}>\r\nTo: {ADDRESS}\r\nSubject: Payout card\r\n"
            f"Message-ID: <m-{abs(hash((sender, body, headers)))}@player-mail.test>\r\n"
            f"Date: Mon, 02 Nov 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
            ).encode()


def signed(key, raw: bytes, domain: bytes = DOMAIN) -> bytes:  # noqa: ANN001
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    return dkim.sign(raw, SELECTOR, domain, pem, include_headers=[b"from", b"to", b"subject", b"message-id"]) + raw


class TestDkim:
    def test_a_valid_signature_of_the_senders_domain_passes(self, key, resolver):
        result = authentication.check(signed(key, letter()), via="smtp")
        assert result["verdict"] == "pass" and result["dkim"] == "pass"
        assert result["dkim_domains"] == ["player-mail.test"] and result["from_domain"] == "player-mail.test"
        assert resolver == [b"mail2026._domainkey.player-mail.test."]

    def test_a_subdomain_sender_is_aligned_with_its_parents_signature(self, key, resolver):
        assert authentication.check(signed(key, letter("olena@eu.player-mail.test")), via="smtp")["verdict"] == "pass"

    def test_a_changed_body_fails(self, key, resolver):
        raw = signed(key, letter()).replace(b"4111", b"5500")
        result = authentication.check(raw, via="smtp")
        assert result["verdict"] == "fail" and result["dkim"] == "fail"

    def test_a_forged_from_fails(self, key, resolver):
        raw = signed(key, letter()).replace(b"Olena Koval <olena@", b"Olena Koval <olena.k@")
        assert authentication.check(raw, via="smtp")["verdict"] == "fail"

    def test_a_signature_whose_key_is_not_published_fails(self, key, resolver):
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        assert authentication.check(signed(other, letter()), via="smtp")["verdict"] == "fail"

    def test_only_a_third_partys_signature_is_neutral(self, key, resolver):
        raw = signed(key, letter("olena@elsewhere.test"))
        result = authentication.check(raw, via="smtp")
        assert result["verdict"] == "none" and result["dkim"] == "none" and result["dkim_domains"] == [
            "player-mail.test"]

    def test_a_message_kept_as_its_headers_only_is_not_checked(self, key, resolver):
        headers = signed(key, letter()).split(b"\r\n\r\n")[0] + b"\r\n\r\n"
        assert authentication.check(headers, via="imap", truncated=True)["verdict"] == "none" and resolver == []

    def test_unsigned_mail_is_neutral(self, resolver):
        assert authentication.check(letter(), via="smtp") == {"verdict": "none", "from_domain": "player-mail.test",
                                                              "dkim": "none", "dkim_domains": []}
        assert resolver == []

    def test_a_dns_failure_is_a_temporary_error_not_a_forgery(self, key):
        result = authentication.check(signed(key, letter()), via="smtp")  # the suite's resolver always fails
        assert result["verdict"] == "none" and result["dkim"] == "temperror"

    @pytest.mark.parametrize("raw", [b"", b"\x00\xff garbage", b"DKIM-Signature: v=1; nonsense\r\n\r\nbody"])
    def test_damaged_input_is_checked_without_raising(self, raw, resolver):
        assert authentication.check(raw, via="smtp")["verdict"] in ("none", "fail")


class TestReceivingServer:
    REPORT = ("Authentication-Results: mx.lucky.test; spf=fail smtp.mailfrom=player-mail.test; dkim=none; "
              "dmarc=fail (p=reject) header.from=player-mail.test\r\n")

    def test_imap_mail_takes_the_topmost_header(self, resolver):
        forged_below = "Authentication-Results: mx.lucky.test; spf=pass; dkim=pass; dmarc=pass\r\n"
        result = authentication.check(letter(headers=self.REPORT + forged_below), via="imap")
        assert result["verdict"] == "fail"
        assert result["reported"] == {"server": "mx.lucky.test", "spf": "fail", "dkim": "none", "dmarc": "fail"}

    def test_with_a_trusted_server_only_its_headers_count(self, resolver):
        forged = "Authentication-Results: mx.evil.test; spf=pass; dkim=pass; dmarc=pass\r\n"
        raw = letter(headers=forged + self.REPORT)
        assert authentication.check(raw, via="imap", server_id="mx.lucky.test")["verdict"] == "fail"
        assert authentication.check(raw, via="imap", server_id="MX.EVIL.TEST")["verdict"] == "pass"
        assert "reported" not in authentication.check(raw, via="imap", server_id="mx.other.test")

    def test_spf_fail_with_a_valid_dkim_signature_passes(self, key, resolver):
        report = "Authentication-Results: mx.lucky.test; spf=fail smtp.mailfrom=forwarder.test\r\n"
        assert authentication.check(report.encode() + signed(key, letter()), via="imap")["verdict"] == "pass"

    def test_mail_to_our_own_smtp_listener_ignores_the_senders_headers(self, resolver):
        result = authentication.check(letter(headers=self.REPORT), via="smtp")
        assert result["verdict"] == "none" and "reported" not in result

    def test_a_malformed_header_is_no_finding(self, resolver):
        raw = letter(headers="Authentication-Results: ;;; nonsense\r\n")
        assert authentication.check(raw, via="imap")["verdict"] == "none"


class TestInbox:
    async def test_a_message_that_fails_is_kept_with_a_warning_first(self, db, channel, key, resolver):
        raw = signed(key, letter()).replace(b"4111", b"5500")
        await receive(db, channel, raw)
        async with db.transaction() as s:
            event = await s.scalar(select(InboundEvent))
            message = await s.scalar(select(Message))
        assert event.payload["auth"]["verdict"] == "fail" and event.payload["auth"]["dkim"] == "fail"
        assert message.body.startswith(f"{WARNING} (DKIM fail): this email may not come from player-mail.test.")
        assert "Please change my payout card to 5500." in message.body

    async def test_a_verified_message_has_no_warning(self, db, channel, key, resolver):
        await receive(db, channel, signed(key, letter()))
        async with db.transaction() as s:
            event = await s.scalar(select(InboundEvent))
            message = await s.scalar(select(Message))
        assert event.payload["auth"]["verdict"] == "pass"
        assert message.body == "Please change my payout card to 4111."

    async def test_imap_mail_the_server_failed_is_flagged_with_its_findings(self, db, channel, resolver):
        await receive(db, channel, letter(headers=TestReceivingServer.REPORT), via="imap")
        async with db.transaction() as s:
            message = await s.scalar(select(Message))
        assert message.body.startswith(f"{WARNING} (SPF fail, DMARC fail)")

    async def test_the_warning_is_in_the_brands_language(self, db, channel, key, resolver):
        from croupier.models import Brand, Channel

        async with db.transaction() as s:
            brand = await s.get(Brand, (await s.get(Channel, channel.id)).brand_id)
            brand.default_locale = "ru"
        await receive(db, channel, signed(key, letter()).replace(b"4111", b"5500"))
        async with db.transaction() as s:
            body = await s.scalar(select(Message.body))
        assert body.startswith("⚠")  # translated once the catalogues have the message; never dropped
