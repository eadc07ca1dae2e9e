"""Messenger and Instagram: signed webhooks (and the GET handshake) stored once, processed into the inbox
(echoes of our own sends ignored), delivery/read callbacks moving our replies forward; replies sent
through a local Graph API server with the page access token, retried on 429/5xx."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from croupier.brand.service import brand_service
from croupier.channels.meta.adapter import MetaMessagingAdapter
from croupier.conversation.service import conversation_service
from croupier.errors import BadRequest
from croupier.kit.clock import utcnow
from croupier.models import (
    Attachment,
    Channel,
    ChannelType,
    Conversation,
    DeliveryState,
    InboundEvent,
    InboundState,
    Job,
    JobState,
    Message,
    PlayerIdentity,
    Role,
)
from tests.channels.meta_peer import graph_api
from tests.channels.pipeline import count, meta_signature, run, stored_message
from tests.factories import make_brand, make_user, principal_of

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "channels" / "meta"
APP_SECRET = "meta-app-secret-9876543210"
VERIFY_TOKEN = "croupier-verify-messenger"


def fixture(name: str, peer=None) -> bytes:
    body = (FIXTURES / f"{name}.json").read_bytes()
    return body.replace(b'"CDN/', f'"{peer.url}/'.encode()) if peer is not None else body


def sign(body: bytes, secret: str = APP_SECRET) -> str:
    return meta_signature(body, secret)


@pytest.fixture
def peer():
    with graph_api() as api:
        yield api


async def add(db, peer, type_: ChannelType):
    brand, _webchat = await make_brand(db)
    async with db.transaction() as s:
        channel = await brand_service.add_channel(s, None, brand.id, type_, type_.value, {
            "page_access_token": peer.token, "verify_token": VERIFY_TOKEN, "api_base": peer.url})
        channel.secret = APP_SECRET
    return brand, channel


@pytest.fixture
async def messenger(db, peer):
    return await add(db, peer, ChannelType.messenger)


@pytest.fixture
async def instagram(db, peer):
    return await add(db, peer, ChannelType.instagram)


async def post(client, channel, body: bytes, signature: str | None = None):
    headers = {"Content-Type": "application/json"}
    if signature != "":
        headers["X-Hub-Signature-256"] = sign(body) if signature is None else signature
    return await client.post(f"/channels/{channel.key}/webhook", content=body, headers=headers)


async def only_message(db) -> Message:
    async with db.transaction() as s:
        return await s.scalar(select(Message))


class TestHandshake:
    async def test_the_challenge_is_echoed_as_plain_text(self, client, messenger):
        _brand, channel = messenger
        r = await client.get(f"/channels/{channel.key}/webhook", params={
            "hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "CHALLENGE_ACCEPTED"})
        assert r.status_code == 200 and r.text == "CHALLENGE_ACCEPTED"

    async def test_a_wrong_token_is_403(self, client, instagram):
        _brand, channel = instagram
        r = await client.get(f"/channels/{channel.key}/webhook", params={
            "hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "1"})
        assert r.status_code == 403 and r.json()["error"]["code"] == "verify_token_mismatch"

    async def test_a_channel_without_a_handshake_says_so(self, client, db):
        brand, _webchat = await make_brand(db)
        async with db.transaction() as s:
            channel = await brand_service.add_channel(s, None, brand.id, ChannelType.telegram, "tg",
                                                      {"bot_token": "1:x"})
        r = await client.get(f"/channels/{channel.key}/webhook", params={"hub.mode": "subscribe"})
        assert r.status_code == 405 and r.json()["error"]["code"] == "no_handshake"

    async def test_an_unknown_channel_is_404(self, client, db):
        r = await client.get("/channels/me_nope/webhook", params={"hub.mode": "subscribe"})
        assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_channel"


class TestInbound:
    @pytest.mark.parametrize("signature", ["", "sha256=" + "0" * 64, sign(b"x", "other secret")])
    async def test_a_bad_or_missing_signature_is_401_and_nothing_is_stored(self, client, db, messenger, signature):
        _brand, channel = messenger
        r = await post(client, channel, fixture("text"), signature)
        assert r.status_code == 401 and r.json()["error"]["code"] == "webhook_unverified"
        assert await count(db, InboundEvent) == 0

    async def test_a_text_becomes_a_message_from_the_messenger_player(self, client, db, messenger):
        _brand, channel = messenger
        assert (await post(client, channel, fixture("text"))).status_code == 200
        assert await run(db) == 1
        async with db.transaction() as s:
            message = await s.scalar(select(Message))
            conversation = await s.get(Conversation, message.conversation_id)
            identity = await s.get(PlayerIdentity, conversation.identity_id)
            event = await s.scalar(select(InboundEvent))
        assert message.body == "Депозит не зачислился" and message.external_id.startswith("m_AG5")
        assert event.external_id == message.external_id and event.state == InboundState.handled
        assert identity.external_id == "6912345678901234" and conversation.channel_id == channel.id

    async def test_an_instagram_text_is_taken_on_an_instagram_channel(self, client, db, instagram):
        _brand, channel = instagram
        await post(client, channel, fixture("instagram_text"))
        await run(db)
        async with db.transaction() as s:
            identity = await s.scalar(select(PlayerIdentity))
        assert (await only_message(db)).body == "Where is my bonus?" and identity.external_id == "17841405822304914"

    async def test_a_replay_is_acknowledged_and_ignored(self, client, db, messenger):
        _brand, channel = messenger
        await post(client, channel, fixture("text"))
        again = await post(client, channel, fixture("text"))
        assert again.status_code == 200 and again.json()["duplicate"] is True
        await run(db)
        assert await count(db, InboundEvent) == 1 and await count(db, Message) == 1

    async def test_an_image_is_downloaded_from_its_link(self, client, db, messenger, peer):
        _brand, channel = messenger
        await post(client, channel, fixture("image", peer))
        await run(db)
        async with db.transaction() as s:
            attachment = await s.scalar(select(Attachment))
        message = await only_message(db)
        assert message.body == "" and attachment.message_id == message.id and attachment.content_type == "image/png"
        assert peer.requests == ["/cdn/receipt.png"]

    async def test_an_unsupported_attachment_is_a_marked_placeholder(self, client, db, messenger):
        _brand, channel = messenger
        await post(client, channel, fixture("fallback"))
        await run(db)
        assert (await only_message(db)).body == "[fallback]"

    async def test_an_echo_of_our_own_send_opens_nothing(self, client, db, messenger):
        _brand, channel = messenger
        assert (await post(client, channel, fixture("echo"))).status_code == 200
        await run(db)
        assert await count(db, Conversation) == 0

    @pytest.mark.parametrize("body,code", [(b"{not json", "malformed_json"), (b'"text"', "malformed_payload"),
                                           (b'{"object": "whatsapp_business_account", "entry": []}',
                                            "malformed_update"), (b'{"object": "page"}', "malformed_update")])
    async def test_malformed_payloads_get_a_clear_400(self, client, db, messenger, body, code):
        _brand, channel = messenger
        r = await post(client, channel, body)
        assert r.status_code == 400 and r.json()["error"]["code"] == code
        assert await count(db, InboundEvent) == 0


class TestOutbound:
    async def _reply(self, client, db, channel, brand, inbound="text") -> int:
        await post(client, channel, fixture(inbound))
        await run(db)
        agent = await make_user(db, "agent@lucky.test", Role.agent, [brand])
        principal = await principal_of(db, agent)
        async with db.transaction() as s:
            cid = await s.scalar(select(Conversation.id))
            message = await conversation_service.reply(s, principal, cid, "Проверяю, минуту")
        return message.id

    async def test_a_reply_is_sent_with_the_page_token_and_keeps_its_mid(self, client, db, messenger, peer):
        brand, channel = messenger
        mid = await self._reply(client, db, channel, brand)
        await run(db)
        sent = await stored_message(db, mid)
        assert sent.delivery_state == DeliveryState.sent and sent.external_id == "m_OUT1"
        assert peer.sent == [{"recipient": {"id": "6912345678901234"}, "messaging_type": "RESPONSE",
                              "message": {"text": "Проверяю, минуту"}}]

    async def test_delivery_then_read_callbacks_move_the_reply_forward(self, client, db, instagram):
        brand, channel = instagram
        mid = await self._reply(client, db, channel, brand, inbound="instagram_text")
        await run(db)
        delivery = fixture("delivery").replace(b'"page"', b'"instagram"')
        await post(client, channel, delivery)
        await run(db)
        assert (await stored_message(db, mid)).delivery_state == DeliveryState.delivered
        await post(client, channel, fixture("instagram_read"))
        await run(db)
        assert (await stored_message(db, mid)).delivery_state == DeliveryState.read
        assert (await post(client, channel, delivery)).json()["duplicate"] is True

    @pytest.mark.parametrize("status,error,headers", [
        (429, {"error": {"message": "Calls to this api have exceeded the rate limit.", "code": 613}},
         {"Retry-After": "7"}),
        (500, {"error": {"message": "An unexpected error has occurred.", "code": 1, "type": "OAuthException"}}, {}),
    ])
    async def test_429_and_5xx_are_retried(self, client, db, messenger, peer, status, error, headers):
        brand, channel = messenger
        peer.failures.append((status, error, headers))
        mid = await self._reply(client, db, channel, brand)
        await run(db)
        message = await stored_message(db, mid)
        assert message.delivery_state == DeliveryState.pending and str(status) in message.failure_reason
        async with db.transaction() as s:
            job = await s.scalar(select(Job).where(Job.kind == "channels.deliver"))
            assert job.state == JobState.queued
            if headers:
                assert 5 < (job.run_after - utcnow()).total_seconds() <= 7
            job.run_after = utcnow() - timedelta(seconds=1)
        await run(db)
        assert (await stored_message(db, mid)).delivery_state == DeliveryState.sent and len(peer.sent) == 1

    async def test_a_refusal_outside_the_messaging_window_fails_with_the_reason(self, client, db, messenger, peer):
        brand, channel = messenger
        peer.failures.append((400, {"error": {"message": "(#10) This message is sent outside of allowed window.",
                                              "type": "OAuthException", "code": 10, "error_subcode": 2018278}}, {}))
        mid = await self._reply(client, db, channel, brand)
        await run(db)
        message = await stored_message(db, mid)
        assert message.delivery_state == DeliveryState.failed and "allowed window" in message.failure_reason
        assert peer.sent == []


def test_fixtures_are_messenger_platform_webhooks():
    for path in FIXTURES.glob("*.json"):
        payload = json.loads(path.read_text())
        assert payload["object"] in ("page", "instagram") and payload["entry"][0]["messaging"], path


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                    max_leaves=12)
KEYS = st.sampled_from(["sender", "recipient", "id", "message", "mid", "text", "attachments", "type", "payload",
                        "url", "is_echo", "delivery", "mids", "read", "messaging"])
SHAPED = st.recursive(JSON, lambda inner: st.dictionaries(KEYS, inner, max_size=5) | st.lists(inner, max_size=3),
                      max_leaves=30)


def _payload(events) -> dict:
    return {"object": "page", "entry": [{"id": "1", "messaging": events}]}


@settings(max_examples=200, deadline=None, database=None)
@given(st.one_of(SHAPED.map(_payload), st.lists(SHAPED, max_size=3).map(_payload),
                 st.dictionaries(st.sampled_from(["object", "entry"]), SHAPED)))
@example(json.loads(fixture("text")))
@example(json.loads(fixture("image")))
@example(_payload([{"sender": {"id": 5}, "message": {"mid": "m", "attachments": [{"type": "image", "payload": 1}]}}]))
@example(_payload([{"delivery": {"mids": [None, "m_1"]}, "read": {"mid": 3}}]))
def test_the_parser_takes_any_json_without_crashing(payload):
    adapter, channel = MetaMessagingAdapter(), Channel(secret="s", config={})
    try:
        external_id = adapter.external_id(payload)
        parsed = adapter.parse(channel, payload)
    except BadRequest:
        return
    assert isinstance(external_id, str) and external_id
    for message in parsed.messages:
        assert all(isinstance(v, str) and v for v in (message.sender_id, message.external_id))
        assert isinstance(message.text, str) and (message.text or message.attachments)
    for update in parsed.updates:
        assert isinstance(update.external_id, str) and update.state in DeliveryState
