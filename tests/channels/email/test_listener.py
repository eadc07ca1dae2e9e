"""The built-in SMTP listener, started by the app for the email channels that ask for it: mail to a channel's
address (or its +tag sub-addresses) is stored and committed before the 250, anything else is refused with
550 (never a relay), and a message that could not be stored gets 451 so the sender tries again."""

from __future__ import annotations

import ssl

import aiosmtplib
import pytest
from sqlalchemy import select, text

from croupier.brand.service import brand_service
from croupier.channels.email.listener import SmtpListeners
from croupier.models import Channel, Conversation, InboundEvent
from tests.channels.email.certificates import self_signed
from tests.channels.email.conftest import add_email_channel, sample
from tests.channels.pipeline import count, run
from tests.servers import free_port


@pytest.fixture
async def listening(app, db, brand):
    port = free_port()
    channel = await add_email_channel(db, brand, listen_port=str(port))
    await app.state.smtp_listeners.sync()
    return channel, port


async def send(port: int, raw: bytes, recipients: list[str], sender: str = "ivan@yandex.test") -> None:
    """What a sending mail server does (sender "" is the null reverse-path of bounces: MAIL FROM:<>)."""
    async with aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False, timeout=10) as smtp:
        await smtp.sendmail(sender, recipients, raw)


class TestListener:
    async def test_mail_for_the_channel_is_stored_before_the_250(self, db, listening):
        channel, port = listening
        await send(port, sample("koi8r"), ["support@lucky.test"])
        async with db.transaction() as s:  # acknowledged: it is already committed
            event = await s.scalar(select(InboundEvent))
        assert event.channel_id == channel.id and event.external_id == "<koi8r-0001@yandex.test>"
        assert event.payload["mail_from"] == "ivan@yandex.test" and event.payload["rcpt"] == ["support@lucky.test"]
        await run(db)
        assert await count(db, Conversation) == 1

    async def test_a_sub_address_is_accepted_and_the_same_message_again_is_stored_once(self, db, listening):
        _channel, port = listening
        await send(port, sample("koi8r"), ["Support+c1.abc@LUCKY.test"])
        await send(port, sample("koi8r"), ["support@lucky.test"])
        assert await count(db, InboundEvent) == 1

    async def test_other_recipients_are_refused_and_nothing_is_stored(self, db, listening):
        _channel, port = listening
        with pytest.raises(aiosmtplib.SMTPRecipientsRefused) as refused:
            await send(port, sample("koi8r"), ["someone@elsewhere.test", "sales@lucky.test"])
        assert {r.code for r in refused.value.recipients} == {550}
        assert await count(db, InboundEvent) == 0

    async def test_a_bounce_with_a_null_sender_is_taken_and_opens_nothing(self, db, listening):
        _channel, port = listening
        await send(port, sample("dsn_failed"), ["support@lucky.test"], sender="")
        async with db.transaction() as s:
            assert (await s.scalar(select(InboundEvent))).payload["mail_from"] == ""
        await run(db)
        assert await count(db, Conversation) == 0

    async def test_a_message_that_cannot_be_stored_gets_451(self, db, listening):
        _channel, port = listening
        async with db.transaction() as s:
            await s.execute(text("ALTER TABLE inbound_events RENAME TO inbound_events_away"))
        try:
            with pytest.raises(aiosmtplib.SMTPDataError) as failed:
                await send(port, sample("koi8r"), ["support@lucky.test"])
            assert failed.value.code == 451
        finally:
            async with db.transaction() as s:
                await s.execute(text("ALTER TABLE inbound_events_away RENAME TO inbound_events"))
        await send(port, sample("koi8r"), ["support@lucky.test"])  # the sender's retry
        assert await count(db, InboundEvent) == 1

    async def test_a_database_that_fails_at_start_up_does_not_stop_the_app(self, db):
        listeners = SmtpListeners(db)
        async with db.transaction() as s:
            await s.execute(text("ALTER TABLE channels RENAME TO channels_away"))
        try:
            await listeners.start()
            assert listeners.servers == {}
        finally:
            await listeners.stop()
            async with db.transaction() as s:
                await s.execute(text("ALTER TABLE channels_away RENAME TO channels"))

    async def test_a_disabled_channel_stops_listening(self, app, db, listening):
        channel, port = listening
        async with db.transaction() as s:
            (await s.get(Channel, channel.id)).is_active = False
        await app.state.smtp_listeners.sync()
        with pytest.raises(aiosmtplib.SMTPConnectError):
            await send(port, sample("koi8r"), ["support@lucky.test"])

    async def test_starttls_is_offered_with_the_channels_certificate(self, app, db, brand, tmp_path):
        port = free_port()
        cert, key = self_signed(tmp_path)
        await add_email_channel(db, brand, listen_port=str(port), listen_cert_file=str(cert),
                                listen_key_file=str(key))
        await app.state.smtp_listeners.sync()
        context = ssl.create_default_context(cafile=str(cert))
        async with aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=True, tls_context=context,
                                   timeout=10) as smtp:
            assert smtp.is_connected and smtp.get_transport_info("sslcontext") is not None
            await smtp.sendmail("ivan@yandex.test", ["support@lucky.test"], sample("koi8r"))
        assert await count(db, InboundEvent) == 1

    async def test_two_channels_on_one_port_each_get_their_mail(self, app, db, brand, listening):
        first, port = listening
        async with db.transaction() as s:
            config = dict((await s.get(Channel, first.id)).config, address="vip@lucky.test")
            second = await brand_service.add_channel(s, None, brand.id, first.type, "VIP mail", config)
        await send(port, sample("koi8r"), ["support@lucky.test", "vip@lucky.test"])
        async with db.transaction() as s:
            assert sorted(await s.scalars(select(InboundEvent.channel_id))) == sorted([first.id, second.id])
