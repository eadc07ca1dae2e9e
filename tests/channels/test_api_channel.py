"""The generic API channel: the operator's signed events become player messages (linked to the
operator's player id); agents' replies are POSTed, signed, to the operator's callback URL by a job,
retried on 429/5xx with Retry-After, never delivered twice for one message."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from croupier.brand.service import brand_service
from croupier.channels.base import DELIVER_JOB
from croupier.kit.clock import utcnow
from croupier.models import (
    ChannelType,
    Conversation,
    DeliveryState,
    InboundEvent,
    Job,
    JobState,
    Message,
    Player,
    PlayerIdentity,
)
from croupier.worker.queue import enqueue
from croupier.worker.runner import Runner
from tests.channels.operator_peer import operator
from tests.channels.pipeline import (
    agent_on_first_conversation,
    count,
    croupier_signed,
    make_due,
    reply,
    stored_message,
)
from tests.factories import make_brand

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "channels" / "api"


def fixture(name: str) -> bytes:
    return (FIXTURES / f"{name}.json").read_bytes()


@pytest.fixture
def peer():
    with operator() as op:
        yield op


@pytest.fixture
async def api(db, peer):
    brand, _webchat = await make_brand(db)
    async with db.transaction() as s:
        channel = await brand_service.add_channel(s, None, brand.id, ChannelType.api, "Casino backend",
                                                  {"callback_url": peer.url})
    peer.secret = channel.secret
    return brand, channel


async def post(client, channel, body: bytes, headers: dict[str, str] | None = None):
    return await client.post(f"/channels/{channel.key}/webhook", content=body,
                             headers=croupier_signed(channel.secret, body) if headers is None else headers)


class TestInbound:
    @pytest.mark.parametrize("name,body,player_id,display,language", [
        ("message", "Dzień dobry, wypłata BLIK czeka od wczoraj — numer transakcji 88213.", "PL-448812",
         "Katarzyna Nowak", "pl"),
        ("message_minimal", "bonus not credited after deposit", "90017", None, None),
    ])
    async def test_a_recorded_event_becomes_the_players_message(self, client, db, api, name, body, player_id,
                                                                 display, language):
        _brand, channel = api
        r = await post(client, channel, fixture(name))
        assert r.status_code == 200 and r.json()["duplicate"] is False
        assert await Runner(db, tasks=[]).run_due_jobs() == 1
        async with db.transaction() as s:
            message = await s.scalar(select(Message))
            conversation = await s.get(Conversation, message.conversation_id)
            identity = await s.get(PlayerIdentity, conversation.identity_id)
            player = await s.get(Player, identity.player_id)
        assert message.body == body and message.external_id == str(json.loads(fixture(name))["id"])
        assert identity.external_id == player_id and identity.display_name == display
        assert player.external_id == player_id and conversation.language == language
        assert conversation.channel_id == channel.id

    async def test_the_identity_links_to_the_brands_player_with_that_id(self, client, db, api):
        brand, channel = api
        async with db.transaction() as s:
            known = Player(brand_id=brand.id, external_id="PL-448812", display_name="K. Nowak")
            s.add(known)
        await post(client, channel, fixture("message"))
        await Runner(db, tasks=[]).run_due_jobs()
        async with db.transaction() as s:
            identity = await s.scalar(select(PlayerIdentity).where(PlayerIdentity.channel_id == channel.id))
            assert await s.scalar(select(func.count()).select_from(Player)) == 1
        assert identity.player_id == known.id

    async def test_a_wrong_signature_is_refused_and_nothing_is_stored(self, client, db, api):
        _brand, channel = api
        r = await post(client, channel, fixture("message"), headers=croupier_signed("not-the-secret", fixture("message")))
        assert r.status_code == 401 and r.json()["error"]["code"] == "webhook_unverified"
        assert await count(db, InboundEvent) == 0

    async def test_a_body_changed_after_signing_is_refused(self, client, db, api):
        _brand, channel = api
        headers = croupier_signed(channel.secret, fixture("message"))
        r = await post(client, channel, fixture("message").replace(b"88213", b"88214"), headers=headers)
        assert r.status_code == 401 and await count(db, InboundEvent) == 0

    async def test_an_unsigned_request_is_refused(self, client, db, api):
        _brand, channel = api
        r = await post(client, channel, fixture("message"), headers={"Content-Type": "application/json"})
        assert r.status_code == 401 and "X-Croupier-Signature" in r.json()["error"]["message"]
        assert await count(db, InboundEvent) == 0

    async def test_a_stale_timestamp_is_refused_even_when_correctly_signed(self, client, db, api):
        _brand, channel = api
        headers = croupier_signed(channel.secret, fixture("message"), timestamp=int(time.time()) - 301)
        r = await post(client, channel, fixture("message"), headers=headers)
        assert r.status_code == 401 and r.json()["error"]["code"] == "webhook_stale"
        assert await count(db, InboundEvent) == 0

    async def test_a_replayed_event_is_acknowledged_and_ignored(self, client, db, api):
        _brand, channel = api
        await post(client, channel, fixture("message"))
        again = await post(client, channel, fixture("message"))
        assert again.status_code == 200 and again.json()["duplicate"] is True
        await Runner(db, tasks=[]).run_due_jobs()
        assert await count(db, InboundEvent) == 1 and await count(db, Message) == 1

    @pytest.mark.parametrize("body,code", [
        (b"{not json", "malformed_json"), (b"[1]", "malformed_payload"),
        (b'{"player": {"id": "p1"}, "text": "hi"}', "malformed_event"),
        (b'{"id": "e1", "player": {"name": "x"}, "text": "hi"}', "malformed_event"),
        (b'{"id": "e1", "player": {"id": "p1"}, "text": "  "}', "malformed_event"),
        (b'{"id": "e1", "player": {"id": "p1", "locale": 5}, "text": "hi"}', "malformed_event"),
    ])
    async def test_malformed_events_get_a_clear_400(self, client, db, api, body, code):
        _brand, channel = api
        r = await post(client, channel, body)
        assert r.status_code == 400 and r.json()["error"]["code"] == code
        assert await count(db, InboundEvent) == 0


class TestOutbound:
    async def _conversation_with_agent(self, client, db, api):
        brand, channel = api
        await post(client, channel, fixture("message"))
        return await agent_on_first_conversation(db, brand)

    REPLY = "Sprawdzam wypłatę, chwileczkę"

    async def test_a_reply_is_posted_signed_with_its_id_as_idempotency_key(self, client, db, api, peer):
        principal, cid = await self._conversation_with_agent(client, db, api)
        mid = await reply(db, principal, cid, self.REPLY)
        assert (await stored_message(db, mid)).delivery_state == DeliveryState.pending
        await Runner(db, tasks=[]).run_due_jobs()
        message = await stored_message(db, mid)
        assert message.delivery_state == DeliveryState.sent
        assert [p["key"] for p in peer.posts] == [str(mid)]
        [delivered] = peer.delivered
        assert delivered["type"] == "message.created"
        body = delivered["message"]
        assert body["id"] == mid and body["conversation_id"] == cid and body["player_id"] == "PL-448812"
        assert body["text"] == "Sprawdzam wypłatę, chwileczkę" and body["created_at"].startswith(
            message.created_at.strftime("%Y-%m-%dT%H:%M:%S"))

    async def test_503_is_retried_after_retry_after_then_sent_once(self, client, db, api, peer):
        principal, cid = await self._conversation_with_agent(client, db, api)
        peer.failures.append((503, {"error": "maintenance"}, {"Retry-After": "30"}))
        mid = await reply(db, principal, cid, self.REPLY)
        await Runner(db, tasks=[]).run_due_jobs()
        message = await stored_message(db, mid)
        assert message.delivery_state == DeliveryState.pending and "503" in message.failure_reason
        async with db.transaction() as s:
            job = await s.scalar(select(Job).where(Job.kind == DELIVER_JOB))
            assert job.state == JobState.queued and 25 < (job.run_after - utcnow()).total_seconds() <= 30
        await make_due(db)
        await Runner(db, tasks=[]).run_due_jobs()
        assert (await stored_message(db, mid)).delivery_state == DeliveryState.sent
        assert len(peer.delivered) == 1 and [p["key"] for p in peer.posts] == [str(mid), str(mid)]

    async def test_a_4xx_fails_the_message_with_the_operators_reason(self, client, db, api, peer):
        principal, cid = await self._conversation_with_agent(client, db, api)
        peer.failures.append((400, {"error": "player PL-448812 is self-excluded"}, {}))
        mid = await reply(db, principal, cid, self.REPLY)
        await Runner(db, tasks=[]).run_due_jobs()
        message = await stored_message(db, mid)
        assert message.delivery_state == DeliveryState.failed
        assert message.failure_reason == "HTTP 400: player PL-448812 is self-excluded"
        async with db.transaction() as s:
            assert (await s.scalar(select(Job).where(Job.kind == DELIVER_JOB))).state == JobState.done
        assert peer.delivered == [] and len(peer.posts) == 1

    async def test_a_lost_answer_is_retried_with_the_same_key_and_not_duplicated(self, client, db, api, peer):
        principal, cid = await self._conversation_with_agent(client, db, api)
        peer.after_recording.append(504)  # the operator stored it, but the answer never came back as 2xx
        mid = await reply(db, principal, cid, self.REPLY)
        await Runner(db, tasks=[]).run_due_jobs()
        assert (await stored_message(db, mid)).delivery_state == DeliveryState.pending
        await make_due(db)
        await Runner(db, tasks=[]).run_due_jobs()
        assert (await stored_message(db, mid)).delivery_state == DeliveryState.sent
        assert [p["key"] for p in peer.posts] == [str(mid), str(mid)] and len(peer.delivered) == 1

    async def test_a_job_run_again_after_success_posts_nothing(self, client, db, api, peer):
        principal, cid = await self._conversation_with_agent(client, db, api)
        mid = await reply(db, principal, cid, self.REPLY)
        await Runner(db, tasks=[]).run_due_jobs()
        async with db.transaction() as s:
            enqueue(s, DELIVER_JOB, {"message_id": mid})  # e.g. a worker crashed after sending, before acking
        assert await Runner(db, tasks=[]).run_due_jobs() == 1
        assert len(peer.posts) == 1 and len(peer.delivered) == 1

    async def test_without_a_callback_url_the_reply_fails_with_the_reason(self, client, db, api, peer):
        _brand, channel = api
        async with db.transaction() as s:
            stored = await s.get(type(channel), channel.id)
            stored.config = {}
        principal, cid = await self._conversation_with_agent(client, db, api)
        mid = await reply(db, principal, cid, self.REPLY)
        await Runner(db, tasks=[]).run_due_jobs()
        message = await stored_message(db, mid)
        assert message.delivery_state == DeliveryState.failed and "callback_url" in message.failure_reason
        assert peer.posts == []


def test_fixtures_are_valid_api_events():
    for path in FIXTURES.glob("*.json"):
        event = json.loads(path.read_text())
        assert event["id"] and event["player"]["id"] and event["text"], path
