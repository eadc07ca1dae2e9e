"""Email out: an agent's reply is sent by the deliver job through a real SMTP server on loopback (STARTTLS
with a certificate made by the test, AUTH) with a stable Message-ID, In-Reply-To/References continuing the
player's thread and a Reply-To carrying the conversation; the player's answer threads back into the same
conversation by those ids or by the reply address alone. Refusals fail the reply with the server's words,
temporary trouble is retried."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from croupier.channels.base import DELIVER_JOB
from croupier.channels.email import addresses
from croupier.models import AuthorType, Brand, Conversation, DeliveryState, Job, JobState, Message, Status
from croupier.worker.queue import enqueue
from tests.channels.email.conftest import add_email_channel, receive, sample
from tests.channels.email.smtp_peer import smtp_peer
from tests.channels.pipeline import agent_on_first_conversation, count, make_due, reply, run, stored_message
from tests.servers import free_port

SMTP_USER, SMTP_PASSWORD = "relay-user", "relay-password-1"


@pytest.fixture
async def peer(tmp_path):
    async with smtp_peer(tmp_path, user=SMTP_USER, password=SMTP_PASSWORD) as running:
        yield running


@pytest.fixture
async def channel(db, brand, peer):
    return await add_email_channel(db, brand, smtp_port=str(peer.port), smtp_security="starttls",
                                   smtp_user=SMTP_USER, smtp_password=SMTP_PASSWORD, ca_file=peer.ca_file,
                                   from_name="Lucky Star Support")


async def first_conversation(db, channel, raw: bytes):  # noqa: ANN001, ANN201
    """The player writes; an agent of the brand takes it: (agent's principal, conversation id)."""
    await receive(db, channel, raw)
    async with db.transaction() as s:
        brand = await s.get(Brand, channel.brand_id)
    return await agent_on_first_conversation(db, brand)


async def answered(db, channel, name: str = "koi8r") -> Message:  # noqa: ANN001
    """The player writes (sample `name`), an agent replies, the deliver job runs once: the reply as stored."""
    principal, cid = await first_conversation(db, channel, sample(name))
    mid = await reply(db, principal, cid, "Сбросили пароль.")
    await run(db)
    return await stored_message(db, mid)


def player_answer(message_id: str, *, in_reply_to: str | None, to: str = "support@lucky.test",
                  subject: str = "Re: Аккаунт заблокирован") -> bytes:
    headers = ["From: Иван Петров <ivan@yandex.test>", f"To: {to}", f"Subject: {subject}",
               f"Message-ID: {message_id}", "Content-Type: text/plain; charset=utf-8"]
    if in_reply_to:
        headers += [f"In-Reply-To: {in_reply_to}", f"References: <koi8r-0001@yandex.test> {in_reply_to}"]
    return ("\r\n".join(headers) + "\r\n\r\nВсё ещё не могу войти.\r\n\r\n> quoted\r\n").encode()


class TestReply:
    async def test_a_reply_goes_out_over_starttls_with_auth_and_threading_headers(self, db, channel, peer):
        principal, cid = await first_conversation(db, channel, sample("koi8r"))
        mid = await reply(db, principal, cid, "Здравствуйте, Иван! Сбросили пароль, проверьте почту.")
        assert await run(db) == 1
        assert peer.logins == [SMTP_USER] and len(peer.received) == 1
        sent = peer.received[0]
        mail = sent.message
        assert sent.mail_from == "support@lucky.test" and sent.rcpt_tos == ["ivan@yandex.test"]
        assert mail["From"] == "Lucky Star Support <support@lucky.test>" and mail["To"] == "ivan@yandex.test"
        assert mail["Subject"] == "Re: Аккаунт заблокирован"
        assert mail["In-Reply-To"] == "<koi8r-0001@yandex.test>"
        assert mail["References"] == "<koi8r-0001@yandex.test>"
        assert mail["Message-ID"] == addresses.message_id(mid, channel.secret, "lucky.test")
        assert mail["Reply-To"] == addresses.reply_address("support@lucky.test", channel.secret, cid)
        assert mail["Auto-Submitted"] is None
        assert mail.get_content().strip() == "Здравствуйте, Иван! Сбросили пароль, проверьте почту."
        message = await stored_message(db, mid)
        assert message.delivery_state == DeliveryState.sent and message.external_id == mail["Message-ID"]

    async def test_the_players_answer_threads_into_the_same_conversation(self, db, channel, peer):
        principal, cid = await first_conversation(db, channel, sample("koi8r"))
        await reply(db, principal, cid, "Сбросили пароль.")
        await run(db)
        ours = peer.received[0].message["Message-ID"]
        await receive(db, channel, player_answer("<answer-1@yandex.test>", in_reply_to=ours))
        await receive(db, channel, sample("windows_1251"))  # another player, another conversation
        async with db.transaction() as s:
            answer = await s.scalar(select(Message).where(Message.external_id == "<answer-1@yandex.test>"))
        assert answer.conversation_id == cid and answer.body == "Всё ещё не могу войти."
        assert await count(db, Conversation) == 2

    async def test_the_reply_address_alone_finds_the_conversation(self, db, channel, peer):
        principal, cid = await first_conversation(db, channel, sample("koi8r"))
        await reply(db, principal, cid, "Сбросили пароль.")
        await run(db)
        reply_to = peer.received[0].message["Reply-To"]
        await receive(db, channel, player_answer("<answer-2@yandex.test>", in_reply_to=None, to=reply_to,
                                                 subject="new subject"))
        async with db.transaction() as s:
            answer = await s.scalar(select(Message).where(Message.external_id == "<answer-2@yandex.test>"))
        assert answer.conversation_id == cid

    async def test_a_forged_reply_address_opens_a_new_conversation(self, db, channel, peer):
        _principal, cid = await first_conversation(db, channel, sample("koi8r"))
        forged = f"support+c{cid}.0123456789ab@lucky.test"
        await receive(db, channel, player_answer("<answer-3@yandex.test>", in_reply_to=None, to=forged))
        async with db.transaction() as s:
            answer = await s.scalar(select(Message).where(Message.external_id == "<answer-3@yandex.test>"))
            conversation = await s.get(Conversation, answer.conversation_id)
        assert answer.conversation_id != cid and conversation.subject == "Re: Аккаунт заблокирован"

    async def test_a_guessed_message_id_does_not_thread(self, db, channel, peer):
        principal, cid = await first_conversation(db, channel, sample("koi8r"))
        mid = await reply(db, principal, cid, "Сбросили пароль.")
        await run(db)
        guessed = f"<croupier.{mid}.{'0' * 16}@lucky.test>"
        await receive(db, channel, player_answer("<intruder-1@mail.test>", in_reply_to=guessed).replace(
            b"References: <koi8r-0001@yandex.test> ", b"References: "))
        async with db.transaction() as s:
            answer = await s.scalar(select(Message).where(Message.external_id == "<intruder-1@mail.test>"))
        assert answer.conversation_id != cid

    async def test_a_new_email_without_references_opens_its_own_conversation(self, db, channel, peer):
        await first_conversation(db, channel, sample("koi8r"))
        await receive(db, channel, player_answer("<other-topic@yandex.test>", in_reply_to=None,
                                                 subject="Бонус"))
        async with db.transaction() as s:
            subjects = sorted(await s.scalars(select(Conversation.subject)))
        assert subjects == ["Аккаунт заблокирован", "Бонус"]

    async def test_an_answer_to_a_resolved_conversation_reopens_it_but_a_closed_one_is_left(self, db, channel, peer):
        principal, cid = await first_conversation(db, channel, sample("koi8r"))
        await reply(db, principal, cid, "Сбросили пароль.")
        await run(db)
        ours = peer.received[0].message["Message-ID"]
        async with db.transaction() as s:
            (await s.get(Conversation, cid)).status = Status.resolved
        await receive(db, channel, player_answer("<answer-4@yandex.test>", in_reply_to=ours))
        async with db.transaction() as s:
            conversation = await s.get(Conversation, cid)
            assert conversation.status == Status.open and conversation.reopened_count == 1
            conversation.status = Status.closed
        await receive(db, channel, player_answer("<answer-5@yandex.test>", in_reply_to=ours))
        async with db.transaction() as s:
            answer = await s.scalar(select(Message).where(Message.external_id == "<answer-5@yandex.test>"))
        assert answer.conversation_id != cid

    async def test_the_assistants_replies_are_marked_auto_submitted(self, db, channel, peer):
        _principal, cid = await first_conversation(db, channel, sample("koi8r"))
        async with db.transaction() as s:
            message = Message(conversation_id=cid, author_type=AuthorType.assistant, body="Автоответ",
                              delivery_state=DeliveryState.pending)
            s.add(message)
            await s.flush()
            enqueue(s, DELIVER_JOB, {"message_id": message.id})
        await run(db)
        mail = peer.received[0].message
        assert mail["Auto-Submitted"] == "auto-replied" and mail["X-Auto-Response-Suppress"] == "All"

    async def test_a_resent_reply_keeps_its_message_id(self, db, channel, peer):
        principal, cid = await first_conversation(db, channel, sample("koi8r"))
        mid = await reply(db, principal, cid, "Сбросили пароль.")
        peer.data_answers.append("451 4.3.0 Try again later")
        await run(db)
        message = await stored_message(db, mid)
        assert message.delivery_state == DeliveryState.pending and "451" in message.failure_reason
        await make_due(db)
        await run(db)
        assert (await stored_message(db, mid)).delivery_state == DeliveryState.sent
        assert peer.received[0].message["Message-ID"] == addresses.message_id(mid, channel.secret, "lucky.test")


class TestRefusals:
    async def test_a_refused_recipient_fails_the_reply_with_the_servers_words(self, db, channel, peer):
        peer.refused["ivan@yandex.test"] = "550 5.1.1 No such user"
        message = await answered(db, channel)
        assert message.delivery_state == DeliveryState.failed
        assert message.failure_reason == "recipient refused: 550 5.1.1 No such user"

    async def test_a_wrong_smtp_password_fails_the_reply(self, db, brand, peer):
        channel = await add_email_channel(db, brand, smtp_port=str(peer.port), smtp_security="starttls",
                                          smtp_user=SMTP_USER, smtp_password="wrong-password", ca_file=peer.ca_file)
        message = await answered(db, channel)
        assert message.delivery_state == DeliveryState.failed and message.failure_reason.startswith("SMTP 535")
        assert peer.received == []

    async def test_an_untrusted_certificate_fails_the_reply(self, db, brand, peer):
        channel = await add_email_channel(db, brand, smtp_port=str(peer.port), smtp_security="starttls",
                                          smtp_user=SMTP_USER, smtp_password=SMTP_PASSWORD)
        message = await answered(db, channel)
        assert message.delivery_state == DeliveryState.failed and "CERTIFICATE_VERIFY_FAILED" in message.failure_reason
        assert peer.received == []

    async def test_a_relay_that_is_down_is_retried(self, db, brand):
        channel = await add_email_channel(db, brand, smtp_port=str(free_port()))
        message = await answered(db, channel)
        assert message.delivery_state == DeliveryState.pending and message.failure_reason.startswith("network")
        async with db.transaction() as s:
            job = await s.scalar(select(Job).where(Job.kind == DELIVER_JOB))
        assert job.state == JobState.queued and job.attempts == 1

    async def test_a_player_without_an_address_cannot_be_answered(self, db, channel, peer):
        message = await answered(db, channel, "not_an_email")
        assert message.delivery_state == DeliveryState.failed
        assert message.failure_reason == "the player has no email address to reply to"


class TestTestMessage:
    async def test_the_channel_administrations_test_message_is_sent(self, db, channel, peer):
        from croupier.channels.probe import PROBE_JOB

        async with db.transaction() as s:
            enqueue(s, PROBE_JOB, {"channel_id": channel.id, "recipient": "admin@lucky.test", "text": "Test",
                                   "key": "k1"})
        await run(db)
        mail = peer.received[0].message
        assert mail["To"] == "admin@lucky.test" and mail["Reply-To"] is None
        assert mail["Message-ID"].endswith("@lucky.test>") and mail.get_content().strip() == "Test"
