"""Telegram: verified webhooks stored once, processed by a job into the inbox; replies sent through a
local server that speaks the Bot API, retried on 429/5xx (honouring retry_after), dead-lettered."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from croupier.brand.service import brand_service
from croupier.kit.clock import utcnow
from croupier.models import (
    Attachment,
    ChannelType,
    Conversation,
    DeliveryState,
    InboundEvent,
    InboundState,
    Job,
    JobState,
    Message,
    PlayerIdentity,
)
from croupier.worker.runner import Runner
from tests.channels.pipeline import agent_on_first_conversation, count, reply, stored_message
from tests.channels.telegram_peer import bot_api
from tests.factories import make_brand

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "channels" / "telegram"
HEADER = "X-Telegram-Bot-Api-Secret-Token"


def fixture(name: str) -> bytes:
    return (FIXTURES / f"{name}.json").read_bytes()


@pytest.fixture
def peer():
    with bot_api() as api:
        yield api


@pytest.fixture
async def telegram(db, peer):
    brand, _webchat = await make_brand(db)
    async with db.transaction() as s:
        channel = await brand_service.add_channel(s, None, brand.id, ChannelType.telegram, "Telegram bot",
                                                  {"bot_token": peer.token, "api_base": peer.url})
    return brand, channel


async def post(client, channel, body: bytes, secret: str | None = None):
    return await client.post(f"/channels/{channel.key}/webhook", content=body,
                             headers={HEADER: channel.secret if secret is None else secret,
                                      "Content-Type": "application/json"})


class TestInbound:
    async def test_a_wrong_secret_is_refused_and_nothing_is_stored(self, client, db, telegram):
        _brand, channel = telegram
        r = await post(client, channel, fixture("text"), secret="guess")
        assert r.status_code == 401 and r.json()["error"]["code"] == "webhook_unverified"
        assert await count(db, InboundEvent) == 0

    async def test_an_update_becomes_a_message_from_the_telegram_player(self, client, db, telegram):
        _brand, channel = telegram
        r = await post(client, channel, fixture("text"))
        assert r.status_code == 200 and r.json()["duplicate"] is False
        assert await Runner(db, tasks=[]).run_due_jobs() == 1
        async with db.transaction() as s:
            message = await s.scalar(select(Message))
            conversation = await s.get(Conversation, message.conversation_id)
            identity = await s.get(PlayerIdentity, conversation.identity_id)
            event = await s.scalar(select(InboundEvent))
        assert message.body == "Здравствуйте, вывод висит уже третий день" and message.external_id == "51"
        assert identity.external_id == "7100123456" and identity.display_name == "Olena Koval"
        assert conversation.channel_id == channel.id and conversation.language == "ru"
        assert event.state == InboundState.handled

    async def test_a_replayed_update_is_acknowledged_and_ignored(self, client, db, telegram):
        _brand, channel = telegram
        await post(client, channel, fixture("text"))
        again = await post(client, channel, fixture("text"))
        assert again.status_code == 200 and again.json()["duplicate"] is True
        await Runner(db, tasks=[]).run_due_jobs()
        assert await count(db, InboundEvent) == 1 and await count(db, Message) == 1

    async def test_a_photo_is_downloaded_and_kept_with_its_caption(self, client, db, telegram):
        _brand, channel = telegram
        await post(client, channel, fixture("photo"))
        await Runner(db, tasks=[]).run_due_jobs()
        async with db.transaction() as s:
            message = await s.scalar(select(Message))
            attachment = await s.scalar(select(Attachment))
        assert message.body == "скрин ошибки"
        assert attachment.message_id == message.id and attachment.content_type == "image/png"

    async def test_an_unsupported_type_is_kept_as_a_marked_placeholder(self, client, db, telegram):
        _brand, channel = telegram
        await post(client, channel, fixture("sticker"))
        await Runner(db, tasks=[]).run_due_jobs()
        async with db.transaction() as s:
            assert await s.scalar(select(Message.body)) == "[sticker]"

    async def test_an_update_without_a_message_is_stored_but_opens_nothing(self, client, db, telegram):
        _brand, channel = telegram
        assert (await post(client, channel, fixture("callback_query"))).status_code == 200
        await Runner(db, tasks=[]).run_due_jobs()
        assert await count(db, Conversation) == 0
        async with db.transaction() as s:
            assert (await s.scalar(select(InboundEvent))).state == InboundState.handled

    @pytest.mark.parametrize("body,code", [(b"{not json", "malformed_json"), (b"[1, 2]", "malformed_payload"),
                                           (b'{"message": {}}', "malformed_update")])
    async def test_malformed_payloads_get_a_clear_400(self, client, db, telegram, body, code):
        _brand, channel = telegram
        r = await post(client, channel, body)
        assert r.status_code == 400 and r.json()["error"]["code"] == code
        assert await count(db, InboundEvent) == 0

    async def test_an_unknown_channel_is_404(self, client, db, telegram):
        r = await client.post("/channels/te_nope/webhook", content=fixture("text"), headers={HEADER: "x"})
        assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_channel"


class TestOutbound:
    async def _conversation_with_agent(self, client, db, telegram):
        brand, channel = telegram
        await post(client, channel, fixture("text"))
        return await agent_on_first_conversation(db, brand)

    REPLY = "Проверяю вывод, минуту"

    async def test_a_reply_is_stored_pending_then_sent_by_the_job(self, client, db, telegram, peer):
        principal, cid = await self._conversation_with_agent(client, db, telegram)
        mid = await reply(db, principal, cid, self.REPLY)
        assert (await stored_message(db, mid)).delivery_state == DeliveryState.pending
        await Runner(db, tasks=[]).run_due_jobs()
        sent = await stored_message(db, mid)
        assert sent.delivery_state == DeliveryState.sent and sent.external_id == "901"
        assert peer.sent == [{"chat_id": "7100123456", "text": "Проверяю вывод, минуту"}]

    async def test_429_is_retried_after_the_providers_retry_after(self, client, db, telegram, peer):
        principal, cid = await self._conversation_with_agent(client, db, telegram)
        peer.failures.append((429, {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 7",
                                    "parameters": {"retry_after": 7}}))
        mid = await reply(db, principal, cid, self.REPLY)
        await Runner(db, tasks=[]).run_due_jobs()
        message = await stored_message(db, mid)
        assert message.delivery_state == DeliveryState.pending and "429" in message.failure_reason
        async with db.transaction() as s:
            job = await s.scalar(select(Job).where(Job.kind == "channels.deliver"))
            wait = (job.run_after - utcnow()).total_seconds()
            assert job.state == JobState.queued and 5 < wait <= 7
            job.run_after = utcnow() - timedelta(seconds=1)
        await Runner(db, tasks=[]).run_due_jobs()
        assert (await stored_message(db, mid)).delivery_state == DeliveryState.sent
        assert len(peer.sent) == 1

    async def test_a_permanent_refusal_fails_with_the_reason_and_is_not_retried(self, client, db, telegram, peer):
        principal, cid = await self._conversation_with_agent(client, db, telegram)
        peer.failures.append((403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}))
        mid = await reply(db, principal, cid, self.REPLY)
        await Runner(db, tasks=[]).run_due_jobs()
        message = await stored_message(db, mid)
        assert message.delivery_state == DeliveryState.failed and "blocked" in message.failure_reason
        assert peer.sent == []

    async def test_after_the_last_attempt_the_message_is_dead_lettered_as_failed(self, client, db, telegram, peer):
        principal, cid = await self._conversation_with_agent(client, db, telegram)
        peer.failures.extend([(502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})] * 8)
        mid = await reply(db, principal, cid, self.REPLY)
        for _ in range(8):
            async with db.transaction() as s:
                for job in await s.scalars(select(Job).where(Job.state == JobState.queued)):
                    job.run_after = utcnow() - timedelta(seconds=1)
            await Runner(db, tasks=[]).run_due_jobs()
        message = await stored_message(db, mid)
        async with db.transaction() as s:
            job = await s.scalar(select(Job).where(Job.kind == "channels.deliver"))
        assert job.state == JobState.dead and job.attempts == 8
        assert message.delivery_state == DeliveryState.failed and "502" in message.failure_reason
        assert peer.sent == []


def test_fixtures_are_valid_telegram_updates():
    for path in FIXTURES.glob("*.json"):
        assert isinstance(json.loads(path.read_text())["update_id"], int), path
