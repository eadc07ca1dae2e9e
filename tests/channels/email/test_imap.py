"""The IMAP poller against a real Dovecot on loopback: new mail is stored (and only then flagged \\Seen or
expunged), never twice, fetched at once while IDLE waits, oversized mail is kept as headers and left in the
mailbox, and a mailbox that refuses the login loses nothing."""

from __future__ import annotations

import asyncio
import ssl

import pytest
from imapclient import DELETED, SEEN
from sqlalchemy import select

from croupier.channels.email import imap, intake
from croupier.channels.email.config import settings_of
from croupier.kit import crypto
from croupier.models import Channel, Conversation, InboundEvent, Message
from croupier.worker.runner import Runner, periodic_tasks
from tests.channels.email.conftest import add_email_channel, sample
from tests.channels.email.dovecot import dovecot
from tests.channels.pipeline import count, run


@pytest.fixture(scope="module")
def mailbox():
    with dovecot() as box:
        yield box


@pytest.fixture(autouse=True)
def empty_mailbox(mailbox):
    with mailbox.client() as client:
        uids = client.search(["ALL"])
        if uids:
            client.add_flags(uids, [DELETED])
            client.expunge()


async def imap_channel(db, brand, mailbox, **form: str):  # noqa: ANN001, ANN201
    return await add_email_channel(db, brand, **{
        "imap_host": mailbox.host, "imap_port": str(mailbox.port), "imap_security": "none", "imap_user": mailbox.user,
        "imap_password": mailbox.password, "listen_port": "", **form})


class TestPolling:
    async def test_new_mail_is_stored_then_flagged_seen_and_reaches_the_inbox(self, db, brand, mailbox):
        channel = await imap_channel(db, brand, mailbox)
        mailbox.deliver(sample("koi8r"))
        mailbox.deliver(sample("attachments"))
        assert await imap.poll(db, channel.id, settings_of(channel), idle_seconds=0) == 2
        assert all(SEEN in flags and DELETED not in flags for flags in mailbox.messages().values())
        async with db.transaction() as s:
            events = list(await s.scalars(select(InboundEvent).order_by(InboundEvent.id)))
        assert [e.external_id for e in events] == ["<koi8r-0001@yandex.test>", "<a1b2c3.deposit@mail.test>"]
        assert {e.payload["via"] for e in events} == {"imap"}
        await run(db)
        assert await count(db, Conversation) == 2

    async def test_a_second_poll_stores_nothing_again(self, db, brand, mailbox):
        channel = await imap_channel(db, brand, mailbox)
        mailbox.deliver(sample("koi8r"))
        await imap.poll(db, channel.id, settings_of(channel), idle_seconds=0)
        assert await imap.poll(db, channel.id, settings_of(channel), idle_seconds=0) == 0
        mailbox.deliver(sample("koi8r"))  # the same message delivered twice: one event
        assert await imap.poll(db, channel.id, settings_of(channel), idle_seconds=0) == 1
        assert await count(db, InboundEvent) == 1

    async def test_mail_already_read_in_the_mailbox_is_left_alone(self, db, brand, mailbox):
        channel = await imap_channel(db, brand, mailbox)
        mailbox.deliver(sample("koi8r"), flags=(SEEN,))
        assert await imap.poll(db, channel.id, settings_of(channel), idle_seconds=0) == 0

    async def test_with_imap_delete_stored_mail_is_expunged(self, db, brand, mailbox):
        channel = await imap_channel(db, brand, mailbox, imap_delete="on")
        mailbox.deliver(sample("windows_1251"))
        assert await imap.poll(db, channel.id, settings_of(channel), idle_seconds=0) == 1
        assert mailbox.messages() == {} and await count(db, InboundEvent) == 1

    async def test_an_oversized_message_is_kept_as_headers_and_left_in_the_mailbox(self, db, brand, mailbox,
                                                                                    monkeypatch):
        monkeypatch.setattr(intake, "MAX_BYTES", 200)
        channel = await imap_channel(db, brand, mailbox, imap_delete="on")
        mailbox.deliver(sample("attachments"))
        assert await imap.poll(db, channel.id, settings_of(channel), idle_seconds=0) == 1
        [flags] = mailbox.messages().values()
        assert SEEN in flags and DELETED not in flags
        await run(db)
        async with db.transaction() as s:
            message = await s.scalar(select(Message))
            conversation = await s.get(Conversation, message.conversation_id)
        assert message.body.startswith("[This email is too large to receive (0.0 MB); it was left in the mailbox.]")
        assert conversation.subject == "Deposit receipt"

    async def test_a_refused_login_loses_nothing(self, db, brand, mailbox):
        channel = await imap_channel(db, brand, mailbox, imap_password="not-the-password")
        mailbox.deliver(sample("koi8r"))
        assert await imap.poll_mailboxes(db, idle_seconds=0) == 0
        [flags] = mailbox.messages().values()
        assert SEEN not in flags and await count(db, InboundEvent) == 0
        async with db.transaction() as s:  # the administrator corrects the password: the mail arrives
            fixed = await s.get(Channel, channel.id)
            fixed.config = {**fixed.config, **crypto.sealed("imap_password", mailbox.password)}
        assert await imap.poll_mailboxes(db, idle_seconds=0) == 1


class TestTls:
    @pytest.mark.parametrize("security", ["starttls", "ssl"])
    async def test_the_mailbox_is_read_over_tls_with_the_certificate_verified(self, db, brand, mailbox, security):
        port = mailbox.port if security == "starttls" else mailbox.ssl_port
        channel = await imap_channel(db, brand, mailbox, imap_security=security, imap_port=str(port),
                                     ca_file=mailbox.ca_file)
        mailbox.deliver(sample("koi8r"))
        assert await imap.poll(db, channel.id, settings_of(channel), idle_seconds=0) == 1

    async def test_an_untrusted_certificate_is_refused_and_nothing_is_fetched(self, db, brand, mailbox):
        channel = await imap_channel(db, brand, mailbox, imap_security="ssl", imap_port=str(mailbox.ssl_port))
        mailbox.deliver(sample("koi8r"))
        with pytest.raises(ssl.SSLCertVerificationError):
            await imap.poll(db, channel.id, settings_of(channel), idle_seconds=0)
        [flags] = mailbox.messages().values()
        assert SEEN not in flags and await count(db, InboundEvent) == 0


class TestIdle:
    async def test_mail_arriving_while_idle_is_stored_at_once(self, db, brand, mailbox):
        channel = await imap_channel(db, brand, mailbox)
        polling = asyncio.create_task(imap.poll(db, channel.id, settings_of(channel), idle_seconds=30))
        try:
            await asyncio.sleep(1.0)  # connected, drained an empty mailbox, now idling
            assert not polling.done()
            await asyncio.to_thread(mailbox.deliver, sample("gmail_reply_pl"))
            for _ in range(100):
                if await count(db, InboundEvent):
                    break
                await asyncio.sleep(0.1)
            assert await count(db, InboundEvent) == 1 and not polling.done()
        finally:
            polling.cancel()
            with pytest.raises(asyncio.CancelledError):
                await polling


class TestRunner:
    async def test_the_worker_runs_the_poller_for_every_active_email_channel(self, db, brand, mailbox):
        await imap_channel(db, brand, mailbox, imap_idle="")
        mailbox.deliver(sample("iso_8859_1"))
        [task] = [t for t in periodic_tasks() if t.name == "channels.email.poll_mailboxes"]
        assert await Runner(db, tasks=[task]).run_once(task) == 1
        await run(db)
        async with db.transaction() as s:
            assert (await s.scalar(select(Message.body))).startswith("Hyvää päivää!")


class TestChannelPage:
    """The console's page of an email channel shows where mail arrives and how the last poll went, never a
    webhook address (email is not received by webhook)."""

    async def _page(self, client, db, channel) -> str:  # noqa: ANN001
        from croupier.models import Role
        from tests.factories import console_session, make_user

        admin = await make_user(db, "admin@croupier.test", Role.admin, totp=True)
        await console_session(client, db, admin)
        page = await client.get(f"/console/admin/channels/{channel.id}", headers={"Accept": "text/html"})
        assert page.status_code == 200, page.text
        return page.text

    async def test_a_successful_poll_is_recorded_and_shown(self, client, db, brand, mailbox):
        channel = await imap_channel(db, brand, mailbox, listen_port="2526")
        mailbox.deliver(sample("koi8r"))
        assert await imap.poll_mailboxes(db, idle_seconds=0) == 1
        async with db.transaction() as s:
            status = (await s.get(Channel, channel.id)).config["imap_status"]
        assert status["ok"] is True and status["stored"] == 1 and status["idle"] is False and status["at"]
        text = await self._page(client, db, channel)
        assert "webhook-url" not in text and "/webhook" not in text and "Webhook address" not in text
        assert f"{mailbox.host}:{mailbox.port} (none)" in text and mailbox.user in text and "INBOX" in text
        assert 'data-poll="ok"' in text and "1 new messages stored" in text
        assert "127.0.0.1:2526" in text and "support@lucky.test" in text
        listing = await client.get("/console/admin/channels", headers={"Accept": "text/html"})
        row = listing.text.split(f'id="channel-{channel.id}"')[1].split("</tr>")[0]
        assert "/webhook" not in row and "arrives by IMAP or SMTP" in row

    async def test_a_failed_poll_is_shown_with_its_reason(self, client, db, brand, mailbox):
        channel = await imap_channel(db, brand, mailbox, imap_password="not-the-password")
        assert await imap.poll_mailboxes(db, idle_seconds=0) == 0
        async with db.transaction() as s:
            status = (await s.get(Channel, channel.id)).config["imap_status"]
        assert status["ok"] is False and "LoginError" in status["error"]
        text = await self._page(client, db, channel)
        assert 'data-poll="failed"' in text and "LoginError" in text

    async def test_a_channel_never_polled_says_so_and_saving_the_form_keeps_the_status(self, client, db, brand,
                                                                                       mailbox):
        channel = await imap_channel(db, brand, mailbox)
        assert 'data-poll="never"' in await self._page(client, db, channel)
        await imap.poll_mailboxes(db, idle_seconds=0)
        from croupier.channels.admin import channel_admin
        from croupier.models import Role
        from tests.factories import make_user, principal_of

        admin = await make_user(db, "other-admin@croupier.test", Role.admin, totp=True)
        async with db.transaction() as s:
            found = await s.get(Channel, channel.id)
            form = {k: str(v) for k, v in found.config.items() if isinstance(v, str | int) and not k.endswith("_enc")}
            await channel_admin.update(s, await principal_of(db, admin), channel.id, "Renamed", form)
        async with db.transaction() as s:
            assert (await s.get(Channel, channel.id)).config["imap_status"]["ok"] is True
