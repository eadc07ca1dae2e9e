"""An email channel's settings through the channel administration: validated field by field in the admin's
words, passwords encrypted at rest and kept when left empty on edit, read back decrypted by the channel."""

from __future__ import annotations

import pytest

from croupier.channels.admin import ChannelAdmin
from croupier.channels.config import InvalidSettings
from croupier.channels.email.config import settings_of
from croupier.errors import BadRequest
from croupier.kit import crypto
from croupier.models import Channel, ChannelType, Role
from tests.factories import make_user, principal_of

FORM = {"address": "Support@Lucky.test", "smtp_host": "smtp.lucky.test", "smtp_user": "relay",
        "smtp_password": "relay-password-1", "imap_host": "imap.lucky.test", "imap_user": "support@lucky.test",
        "imap_password": "mailbox-password-1", "imap_idle": "on", "reply_token": "on"}


@pytest.fixture
async def admin(db, brand):
    return await principal_of(db, await make_user(db, "admin@lucky.test", Role.admin, [brand]))


async def add(db, admin, brand, form):  # noqa: ANN001, ANN201
    async with db.transaction() as s:
        channel, _shown = await ChannelAdmin().add(s, admin, brand.id, ChannelType.email, "Support mail", form)
        return channel


class TestSettings:
    async def test_passwords_are_sealed_and_read_back_decrypted(self, db, admin, brand):
        channel = await add(db, admin, brand, FORM)
        assert "imap_password" not in channel.config and "smtp_password" not in channel.config
        assert crypto.decrypt(channel.config["imap_password_enc"]) == "mailbox-password-1"
        assert channel.config["smtp_password_last4"] == "rd-1"
        settings = settings_of(channel)
        assert settings.address == "support@lucky.test" and settings.imap_password == "mailbox-password-1"
        assert (settings.imap_port_or_default, settings.smtp_port_or_default) == (993, 587)

    async def test_an_edit_that_leaves_a_password_empty_keeps_it(self, db, admin, brand):
        channel = await add(db, admin, brand, FORM)
        async with db.transaction() as s:
            await ChannelAdmin().update(s, admin, channel.id, "Support mail",
                                        {**FORM, "imap_password": "", "smtp_port": "2525"})
        async with db.transaction() as s:
            settings = settings_of(await s.get(Channel, channel.id))
        assert settings.imap_password == "mailbox-password-1" and settings.smtp_port == 2525

    @pytest.mark.parametrize("change,field,message", [
        ({"address": "support+x@lucky.test"}, "address",
         "Enter an email address such as support@example.com, without a +tag."),
        ({"imap_host": "", "listen_port": ""}, "imap_host",
         "Set an IMAP server or an SMTP listener port, or no mail can arrive."),
        ({"imap_password": ""}, "imap_password", "The IMAP server needs a password."),
        ({"smtp_password": ""}, "smtp_password", "Give both the SMTP user name and its password, or neither."),
        ({"smtp_host": "smtp host; rm"}, "smtp_host", "Enter a host name or an IP address."),
        ({"listen_port": "70000"}, "listen_port", "Enter a number of at most 65535."),
        ({"imap_security": "tls"}, "imap_security", "This value is not valid."),
        ({"listen_port": "2525", "listen_cert_file": "/etc/ssl/mx.pem"}, "listen_key_file",
         "Give both the certificate and its private key, or neither."),
    ])
    async def test_wrong_settings_are_refused_beside_their_field(self, db, admin, brand, change, field, message):
        with pytest.raises(InvalidSettings) as refused:
            await add(db, admin, brand, {**FORM, **change})
        assert refused.value.messages()[field] == message

    async def test_a_channel_whose_stored_settings_are_unusable_says_which(self, db, brand):
        channel = Channel(brand_id=brand.id, type=ChannelType.email, name="x", key="em_x", secret="s",
                          config={"address": "support@lucky.test"})
        with pytest.raises(BadRequest) as unusable:
            settings_of(channel)
        assert unusable.value.details["fields"] == "smtp_host"
