"""The phone channel: a voice provider's signed call events (missed call, voicemail, completed call)
become worded messages in the caller's conversation, keyed by the E.164 number; agents cannot reply
on it (they call back)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from croupier.brand.service import brand_service
from croupier.channels.voice.adapter import MISSED_CALL
from croupier.conversation.service import conversation_service
from croupier.kit.i18n import gettext
from croupier.models import (
    CallLog,
    ChannelType,
    Conversation,
    DeliveryState,
    InboundEvent,
    Job,
    JobState,
    Message,
    PlayerIdentity,
    Role,
)
from croupier.worker.runner import Runner
from tests.channels.pipeline import count, croupier_signed
from tests.factories import make_brand, make_user, principal_of

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "channels" / "voice"


def fixture(name: str) -> bytes:
    return (FIXTURES / f"{name}.json").read_bytes()


async def phone_channel(db, default_locale: str = "en"):
    brand, _webchat = await make_brand(db, default_locale=default_locale)
    async with db.transaction() as s:
        channel = await brand_service.add_channel(s, None, brand.id, ChannelType.phone, "Hotline", {})
    return brand, channel


@pytest.fixture
async def phone(db):
    return await phone_channel(db)


async def post(client, channel, body: bytes, headers: dict[str, str] | None = None):
    return await client.post(f"/channels/{channel.key}/webhook", content=body,
                             headers=croupier_signed(channel.secret, body) if headers is None else headers)


async def bodies(db) -> list[str]:
    async with db.transaction() as s:
        return list(await s.scalars(select(Message.body).order_by(Message.id)))


class TestInbound:
    @pytest.mark.parametrize("name,number,display,body", [
        ("missed_call", "+48601234567", "+48 601 234 567", "Missed call from +48 601 234 567"),
        ("voicemail", "+48601234567", "+48 601 234 567",
         "Voicemail (0:42): Dzwonię w sprawie wypłaty, proszę o kontakt. — recording: "
         "https://voice.example.net/recordings/rec_5521.mp3"),
        ("call_completed", "+358401234567", "+358 40 1234567",
         "Call completed (1:02:05) — recording: https://voice.example.net/recordings/rec_5530.mp3"),
    ])
    async def test_a_recorded_event_becomes_a_worded_message_from_the_caller(self, client, db, phone, name, number,
                                                                              display, body):
        _brand, channel = phone
        r = await post(client, channel, fixture(name))
        assert r.status_code == 200 and r.json()["duplicate"] is False
        assert await Runner(db, tasks=[]).run_due_jobs() == 1
        async with db.transaction() as s:
            message = await s.scalar(select(Message))
            conversation = await s.get(Conversation, message.conversation_id)
            identity = await s.get(PlayerIdentity, conversation.identity_id)
        assert message.body == body and message.external_id == json.loads(fixture(name))["id"]
        assert identity.external_id == number and identity.display_name == display
        assert conversation.channel_id == channel.id

    async def test_events_from_one_number_land_in_the_same_conversation(self, client, db, phone):
        _brand, channel = phone
        await post(client, channel, fixture("missed_call"))
        await post(client, channel, fixture("voicemail"))
        await Runner(db, tasks=[]).run_due_jobs()
        assert await count(db, Conversation) == 1 and await count(db, PlayerIdentity) == 1
        assert [b.split(" ")[0] for b in await bodies(db)] == ["Missed", "Voicemail"]

    async def test_the_wording_is_in_the_brands_default_language(self, client, db):
        _brand, channel = await phone_channel(db, default_locale="pl")
        await post(client, channel, fixture("missed_call"))
        await Runner(db, tasks=[]).run_due_jobs()
        # The Polish catalog's rendering (the source text until the lead translates the msgid).
        assert await bodies(db) == [gettext(MISSED_CALL, "pl") % {"number": "+48 601 234 567"}]

    async def test_a_voicemail_without_transcript_or_recording_still_reads_clearly(self, client, db, phone):
        _brand, channel = phone
        event = {**json.loads(fixture("voicemail")), "id": "call_short", "duration_s": 7, "transcript": "",
                 "recording_url": None}
        await post(client, channel, json.dumps(event).encode())
        await Runner(db, tasks=[]).run_due_jobs()
        assert await bodies(db) == ["Voicemail (0:07)"]

    async def test_a_wrong_signature_is_refused_and_nothing_is_stored(self, client, db, phone):
        _brand, channel = phone
        r = await post(client, channel, fixture("voicemail"), headers=croupier_signed("guess", fixture("voicemail")))
        assert r.status_code == 401 and r.json()["error"]["code"] == "webhook_unverified"
        assert await count(db, InboundEvent) == 0

    async def test_a_stale_timestamp_is_refused(self, client, db, phone):
        _brand, channel = phone
        headers = croupier_signed(channel.secret, fixture("voicemail"), timestamp=int(time.time()) - 600)
        r = await post(client, channel, fixture("voicemail"), headers=headers)
        assert r.status_code == 401 and r.json()["error"]["code"] == "webhook_stale"
        assert await count(db, InboundEvent) == 0

    async def test_a_replayed_event_is_acknowledged_and_ignored(self, client, db, phone):
        _brand, channel = phone
        await post(client, channel, fixture("missed_call"))
        again = await post(client, channel, fixture("missed_call"))
        assert again.status_code == 200 and again.json()["duplicate"] is True
        await Runner(db, tasks=[]).run_due_jobs()
        assert await count(db, InboundEvent) == 1 and await count(db, Message) == 1

    async def test_an_invalid_number_is_a_clear_400_and_nothing_is_stored(self, client, db, phone):
        _brand, channel = phone
        r = await post(client, channel, fixture("invalid_number"))
        assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_phone_number"
        assert r.json()["error"]["message"] == "The caller's number +48 12 is not a valid phone number."
        assert await count(db, InboundEvent) == 0 and await count(db, PlayerIdentity) == 0

    @pytest.mark.parametrize("change,code", [
        ({"from": "601 234 567"}, "invalid_phone_number"), ({"from": "anonymous"}, "invalid_phone_number"),
        ({"from": None}, "invalid_phone_number"), ({"type": "fax"}, "malformed_event"),
        ({"id": ""}, "malformed_event"), ({"duration_s": "long"}, "malformed_event"),
        ({"transcript": ["a"]}, "malformed_event"), ({"duration_s": 10**12}, "malformed_event"),
    ])
    async def test_bad_events_get_a_clear_400(self, client, db, phone, change, code):
        _brand, channel = phone
        r = await post(client, channel, json.dumps({**json.loads(fixture("voicemail")), **change}).encode())
        assert r.status_code == 400 and r.json()["error"]["code"] == code
        assert await count(db, InboundEvent) == 0

    async def test_malformed_json_is_a_400(self, client, db, phone):
        _brand, channel = phone
        r = await post(client, channel, b'{"id": "x", ')
        assert r.status_code == 400 and r.json()["error"]["code"] == "malformed_json"
        assert await count(db, InboundEvent) == 0


class TestCallLog:
    @pytest.mark.parametrize("name,outcome,started,seconds,recording,transcript", [
        ("missed_call", "missed", "2026-11-22T05:20:11+00:00", 0, None, None),
        ("voicemail", "voicemail", "2026-11-22T05:21:40+00:00", 42,
         "https://voice.example.net/recordings/rec_5521.mp3", "Dzwonię w sprawie wypłaty, proszę o kontakt."),
        ("call_completed", "answered", "2026-11-22T05:40:02+00:00", 3725,
         "https://voice.example.net/recordings/rec_5530.mp3", None),
    ])
    async def test_each_event_is_logged_as_an_inbound_call_on_the_conversation(
            self, client, db, phone, name, outcome, started, seconds, recording, transcript):
        _brand, channel = phone
        await post(client, channel, fixture(name))
        await Runner(db, tasks=[]).run_due_jobs()
        async with db.transaction() as s:
            call = await s.scalar(select(CallLog))
            conversation_id = await s.scalar(select(Conversation.id))
        assert call.conversation_id == conversation_id and call.direction == "inbound" and call.outcome == outcome
        assert call.started_at.isoformat() == started and call.duration_s == seconds
        assert (call.recording_url, call.transcript) == (recording, transcript)
        assert call.phone_number.startswith("+") and call.agent_id is None
        assert call.external_id == json.loads(fixture(name))["id"]

    async def test_a_replayed_event_logs_the_call_once(self, client, db, phone):
        _brand, channel = phone
        await post(client, channel, fixture("voicemail"))
        await post(client, channel, fixture("voicemail"))
        await Runner(db, tasks=[]).run_due_jobs()
        assert await count(db, CallLog) == 1

    async def test_an_event_without_a_time_is_logged_when_it_arrives(self, client, db, phone):
        _brand, channel = phone
        event = {k: v for k, v in json.loads(fixture("missed_call")).items() if k != "at"}
        await post(client, channel, json.dumps(event).encode())
        await Runner(db, tasks=[]).run_due_jobs()
        async with db.transaction() as s:
            call = await s.scalar(select(CallLog))
        assert call.outcome == "missed" and call.started_at is not None

    @pytest.mark.parametrize("at", ["yesterday", "2026-11-22T05:20:11", 1732252811])
    async def test_an_unreadable_time_is_a_clear_400(self, client, db, phone, at):
        _brand, channel = phone
        r = await post(client, channel, json.dumps({**json.loads(fixture("missed_call")), "at": at}).encode())
        assert r.status_code == 400 and r.json()["error"]["code"] == "malformed_event"
        assert "ISO 8601" in r.json()["error"]["message"]
        assert await count(db, InboundEvent) == 0


class TestOutbound:
    async def test_a_reply_on_the_phone_channel_fails_permanently_with_the_reason(self, client, db, phone):
        brand, channel = phone
        await post(client, channel, fixture("voicemail"))
        await Runner(db, tasks=[]).run_due_jobs()
        agent = await make_user(db, "agent@lucky.test", Role.agent, [brand])
        principal = await principal_of(db, agent)
        async with db.transaction() as s:
            cid = await s.scalar(select(Conversation.id))
            mid = (await conversation_service.reply(s, principal, cid, "Oddzwonimy")).id
        await Runner(db, tasks=[]).run_due_jobs()
        async with db.transaction() as s:
            message = await s.get(Message, mid)
            job = await s.scalar(select(Job).where(Job.kind == "channels.deliver"))
        assert message.delivery_state == DeliveryState.failed
        assert message.failure_reason == "replies to a phone caller must be made by phone"
        assert job.state == JobState.done and job.attempts == 1


def test_fixtures_are_voice_events():
    for path in FIXTURES.glob("*.json"):
        event = json.loads(path.read_text())
        assert event["type"] in ("missed_call", "voicemail", "call_completed") and event["from"], path
