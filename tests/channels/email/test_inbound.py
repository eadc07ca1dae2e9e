"""Email in: raw mail stored once by its Message-ID, then parsed by the job into player -> conversation ->
message — trimmed text, sanitised HTML, attachments kept, charsets read, damaged mail marked — while
auto-replies, bulk mail and our own mail open nothing, and bounces and read receipts move our replies."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from croupier.brand.service import brand_service
from croupier.channels.email import intake
from croupier.channels.service import channel_service
from croupier.models import (
    Attachment,
    Brand,
    ChannelType,
    Conversation,
    DeliveryState,
    InboundEvent,
    InboundState,
    Job,
    Message,
    Player,
    PlayerIdentity,
)
from tests.channels.email.conftest import add_email_channel, receive, sample
from tests.channels.pipeline import agent_on_first_conversation, count, reply, run
from tests.factories import make_brand


async def only_message(db) -> tuple[Message, Conversation, PlayerIdentity]:  # noqa: ANN001
    async with db.transaction() as s:
        message = (await s.scalars(select(Message))).one()
        conversation = await s.get(Conversation, message.conversation_id)
        return message, conversation, await s.get(PlayerIdentity, conversation.identity_id)


class TestIntake:
    async def test_a_message_is_stored_once_by_its_message_id(self, db, channel):
        assert await intake.store(db, channel.id, sample("koi8r"), via="imap") is True
        assert await intake.store(db, channel.id, sample("koi8r"), via="smtp") is False
        async with db.transaction() as s:
            event = await s.scalar(select(InboundEvent))
        assert event.external_id == "<koi8r-0001@yandex.test>" and event.payload["via"] == "imap"
        assert await count(db, InboundEvent) == 1

    async def test_a_message_without_message_id_is_keyed_by_its_digest(self, db, channel):
        assert await intake.store(db, channel.id, sample("no_message_id"), via="smtp") is True
        assert await intake.store(db, channel.id, sample("no_message_id"), via="smtp") is False
        async with db.transaction() as s:
            assert (await s.scalar(select(InboundEvent.external_id))).startswith("sha256:")

    async def test_the_webhook_route_refuses_email_channels_and_stores_nothing(self, client, db, channel):
        r = await client.post(f"/channels/{channel.key}/webhook", content=b"{}",
                              headers={"Content-Type": "application/json"})
        assert r.status_code == 404 and r.json()["error"]["code"] == "no_webhook"
        assert await count(db, InboundEvent) == 0


class TestInbox:
    async def test_a_reply_shows_what_the_player_wrote_without_the_quoted_history(self, db, channel):
        await receive(db, channel, sample("gmail_reply_en"))
        message, conversation, identity = await only_message(db)
        assert message.body == ("Hi, it has been three days and the money is still not on my card.\n"
                                "Can you check again please?\n\nThanks,\nOlena")
        assert message.external_id == "<CAJx9k1vR2mQ+8Lq=w3Yp0t5uS7dZb@mail.gmail.test>"
        assert identity.external_id == "olena.koval@gmail.test" and identity.display_name == "Olena Koval"
        assert conversation.subject == "Re: Withdrawal #88412" and conversation.channel_id == channel.id
        async with db.transaction() as s:
            assert (await s.scalar(select(InboundEvent))).state == InboundState.handled

    @pytest.mark.parametrize("name,expected", [
        ("outlook_reply_ru", "Спасибо, но деньги всё ещё не пришли. Номер транзакции 5521."),
        ("gmail_reply_ru", "Бонус так и не начислен."),
        ("gmail_reply_pl", "Dziękuję, ale nadal nie widzę bonusu na koncie."),
        ("gmail_reply_fi", "Lähetin passikuvan uudelleen."),
        ("thunderbird_reply_az", "Təşəkkür edirəm, indi hər şey qaydasındadır."),
        ("outlook_html_reply_fi", "Kiitos, rahat tulivat tilille tänään."),
    ])
    async def test_quotes_and_signatures_are_trimmed_in_every_language(self, db, channel, name, expected):
        await receive(db, channel, sample(name))
        message, _conversation, _identity = await only_message(db)
        assert message.body == expected

    async def test_html_mail_is_sanitised_to_text_with_its_links(self, db, channel):
        await receive(db, channel, sample("html_only"))
        message, conversation, _identity = await only_message(db)
        assert "mój bonus powitalny został usunięty" in message.body
        assert "[Regulamin](https://lucky.test/promo)" in message.body
        for unsafe in ("document.cookie", "alert", "<script", "javascript:", "color: red", "tracker.test"):
            assert unsafe not in message.body
        assert conversation.subject == "Bonus został usunięty"

    async def test_attachments_are_kept_with_their_names(self, db, channel):
        await receive(db, channel, sample("attachments"))
        async with db.transaction() as s:
            files = list(await s.scalars(select(Attachment).order_by(Attachment.id)))
            body = await s.scalar(select(Message.body))
        assert body.startswith("Salam, depozit keçdi")
        assert [(f.filename, f.content_type) for f in files] == [("screenshot.png", "image/png"),
                                                                  ("qəbz.pdf", "application/pdf")]

    async def test_inline_text_around_an_image_is_joined_and_the_image_kept(self, db, channel):
        await receive(db, channel, sample("apple_mail_split"))
        message, _c, _i = await only_message(db)
        assert message.body == ("The game froze during free spins, here is the screen:\n\n"
                                "and the round id was 99812.")
        assert await count(db, Attachment) == 1

    @pytest.mark.parametrize("name,expected", [
        ("koi8r", "Здравствуйте! Мой аккаунт заблокирован после смены пароля. Помогите, пожалуйста."),
        ("windows_1251", "Добрый день. Верификация документов идёт уже неделю, я отправил паспорт и выписку."),
        ("iso_8859_1", "Hyvää päivää! Kotiutukseni on ollut käsittelyssä viikon. Mitä tapahtuu?"),
    ])
    async def test_declared_charsets_are_read(self, db, channel, name, expected):
        await receive(db, channel, sample(name))
        message, _c, identity = await only_message(db)
        assert message.body.startswith(expected) and "[" not in message.body
        assert identity.display_name in ("Иван Петров", "Сергей", "Matti Mäkelä")

    @pytest.mark.parametrize("name,marker", [
        ("unknown_charset", "[The text was declared as x-user-defined-cyr but read as cp1251"),
        ("no_charset_8bit", "[The text had no declared encoding and was read as koi8_r"),
    ])
    async def test_unknown_or_missing_charsets_are_detected_and_marked(self, db, channel, name, marker):
        await receive(db, channel, sample(name))
        message, _c, _i = await only_message(db)
        assert message.body.split("\n\n")[0].startswith(("Пополнение счёта не прошло", "Не могу войти"))
        assert marker in message.body

    @pytest.mark.parametrize("name,text", [("broken_mime", "My spins were not credited after the game froze."),
                                           ("no_boundary", "Where is my cashback for February?")])
    async def test_damaged_mime_is_shown_as_far_as_it_reads_and_marked(self, db, channel, name, text):
        await receive(db, channel, sample(name))
        message, _c, _i = await only_message(db)
        assert message.body.startswith(text)
        assert "[This email's MIME structure is damaged; it is shown as far as it could be read.]" in message.body

    async def test_an_unsupported_attachment_is_named_in_a_marked_note(self, db, channel):
        await receive(db, channel, sample("tnef_only"))
        message, _c, _i = await only_message(db)
        assert message.body.startswith("[winmail.dat: This type of file is not accepted.")
        assert await count(db, Attachment) == 0

    async def test_bytes_that_are_no_email_become_a_placeholder_message(self, db, channel):
        await receive(db, channel, sample("not_an_email"))
        message, _c, identity = await only_message(db)
        assert message.body == "[This email could not be read: what was received is not a message.]"
        assert identity.external_id == "(no sender)"

    async def test_placeholders_are_worded_in_the_brands_language(self, db):
        brand, _w = await make_brand(db, slug="zvezda", default_locale="ru")
        channel = await add_email_channel(db, brand)
        await receive(db, channel, sample("no_boundary"))
        message, _c, _i = await only_message(db)
        assert "[Структура MIME этого письма повреждена" in message.body

    async def test_the_player_gets_the_senders_address_as_their_email(self, db, channel):
        await receive(db, channel, sample("koi8r"))
        async with db.transaction() as s:
            player = await s.scalar(select(Player))
        assert player.display_name == "Иван Петров" and player.email == "ivan@yandex.test"


class TestNoConversation:
    @pytest.mark.parametrize("name", ["out_of_office", "vacation_precedence", "dsn_failed", "mdn_read"])
    async def test_automatic_mail_opens_nothing_and_is_handled(self, db, channel, name):
        await receive(db, channel, sample(name))
        assert await count(db, Conversation) == 0 and await count(db, Message) == 0
        async with db.transaction() as s:
            assert (await s.scalar(select(InboundEvent))).state == InboundState.handled

    async def test_mail_from_our_own_address_opens_nothing(self, db, channel):
        raw = (b"From: Lucky Star Support <support@lucky.test>\r\nTo: support@lucky.test\r\n"
               b"Message-ID: <own-1@lucky.test>\r\nSubject: copy\r\n\r\nA copy of our own reply.\r\n")
        await receive(db, channel, raw)
        assert await count(db, Conversation) == 0

    async def test_a_null_envelope_sender_is_a_bounce(self, db, channel):
        raw = b"From: robot@mail.test\r\nMessage-ID: <b-1@mail.test>\r\nSubject: x\r\n\r\nundeliverable\r\n"
        await receive(db, channel, raw, mail_from="")
        assert await count(db, Conversation) == 0
        await receive(db, channel, raw.replace(b"<b-1@", b"<b-2@"), mail_from="robot@mail.test")
        assert await count(db, Conversation) == 1


class TestDeliveryReports:
    async def _our_reply(self, db, channel, external_id: str) -> int:  # noqa: ANN001
        """An agent's reply, sent earlier with Message-ID `external_id`."""
        await receive(db, channel, sample("koi8r"))
        async with db.transaction() as s:
            brand = await s.get(Brand, channel.brand_id)
        principal, cid = await agent_on_first_conversation(db, brand)
        mid = await reply(db, principal, cid, "Проверяем.")
        async with db.transaction() as s:
            message = await s.get(Message, mid)
            message.delivery_state, message.external_id = DeliveryState.sent, external_id
            for job in await s.scalars(select(Job)):
                await s.delete(job)
        return mid

    async def test_a_dsn_fails_our_reply_with_the_remote_servers_reason(self, db, channel):
        mid = await self._our_reply(db, channel, "<croupier.7.em_fixture@lucky.test>")
        await receive(db, channel, sample("dsn_failed"))
        async with db.transaction() as s:
            message = await s.get(Message, mid)
        assert message.delivery_state == DeliveryState.failed
        assert message.failure_reason.startswith("5.1.1 smtp; 550 5.1.1 <gone@mail.test>: Recipient address rejected")

    async def test_a_read_receipt_marks_our_reply_read(self, db, channel):
        mid = await self._our_reply(db, channel, "<croupier.14.em_fixture@lucky.test>")
        await receive(db, channel, sample("mdn_read"))
        async with db.transaction() as s:
            assert (await s.get(Message, mid)).delivery_state == DeliveryState.read


class TestProcessing:
    async def test_mail_is_read_even_while_the_channels_relay_settings_are_unusable(self, db, brand):
        async with db.transaction() as s:  # no relay, a password sealed under another installation's key
            channel = await brand_service.add_channel(s, None, brand.id, ChannelType.email, "Broken", {
                "address": "support@lucky.test", "listen_port": 2525, "smtp_password_enc": "gAAAAA-not-ours"})
        await receive(db, channel, sample("koi8r"))
        message, _c, _i = await only_message(db)
        assert message.body.startswith("Здравствуйте! Мой аккаунт заблокирован")

    async def test_an_event_is_parsed_again_after_a_crash_without_a_second_message(self, db, channel):
        await intake.store(db, channel.id, sample("gmail_reply_en"), via="imap")
        assert await run(db) == 1
        async with db.transaction() as s:
            event = await s.scalar(select(InboundEvent))
            event.state = InboundState.pending  # as if a second job had picked it up
        await channel_service.process_inbound(db, event.id)
        assert await count(db, Message) == 1
