"""The conversation's call log in the console: calls from the phone system and agents are listed, and an
agent logs a call with the htmx form (local time, m:ss duration, national number); bad input is a clear
400 that logs nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from croupier.call.service import call_service
from croupier.channels.base import InboundCall
from croupier.models import AuditEntry, CallLog, ChannelType, Role, User
from tests.console.flows import HTMX, add_channel, conversation_from
from tests.factories import console_session, make_brand, make_user


@pytest.fixture
async def world(client, db):
    brand, _chat = await make_brand(db)
    phone = await add_channel(db, brand, ChannelType.phone, "Hotline")
    conversation = await conversation_from(db, phone, "Missed call from +48 601 234 567", who="+48601234567",
                                           language="pl")
    agent = await make_user(db, "agent@lucky.test", Role.agent, [brand], name="Maria Nowak")
    return {"agent": agent, "conversation": conversation}


async def calls(db) -> list[CallLog]:
    async with db.transaction() as s:
        return list(await s.scalars(select(CallLog).order_by(CallLog.id)))


class TestPanel:
    async def test_shows_the_phone_systems_calls_with_recording_and_transcript(self, client, db, world):
        async with db.transaction() as s:
            await call_service.record(s, world["conversation"].id, InboundCall(
                direction="inbound", outcome="voicemail", number="+48601234567", external_id="call_1",
                duration_s=42, recording_url="https://voice.example.net/r/1.mp3", transcript="Proszę o kontakt."))
        await console_session(client, db, world["agent"])
        page = await client.get(f"/console/conversations/{world['conversation'].id}")
        assert page.status_code == 200
        assert "Inbound call" in page.text and "Voicemail" in page.text and "Duration 0:42" in page.text
        assert "<code>+48601234567</code>" in page.text and "Logged by the phone system" in page.text
        assert 'href="https://voice.example.net/r/1.mp3"' in page.text and "Proszę o kontakt." in page.text
        assert 'id="log-call"' in page.text

    async def test_the_panel_speaks_the_agents_language(self, client, db, world):
        async with db.transaction() as s:
            (await s.get(User, world["agent"].id)).locale = "pl"
        await console_session(client, db, world["agent"])
        page = await client.get(f"/console/conversations/{world['conversation'].id}")
        assert "Zarejestruj połączenie" in page.text and "Połączenia" in page.text


class TestLogACall:
    async def test_an_agent_logs_a_call_in_local_time_and_the_panel_is_swapped(self, client, db, world):
        csrf = await console_session(client, db, world["agent"])
        cid = world["conversation"].id
        r = await client.post(f"/console/conversations/{cid}/calls", headers=HTMX, data={
            "csrf_token": csrf, "direction": "outbound", "outcome": "answered", "started_at": "2026-11-20T10:15",
            "tz_offset": "-60", "duration": "5:30", "phone_number": "601 234 567", "notes": "Called back."})
        assert r.status_code == 200, r.text
        assert r.text.lstrip().startswith('<section id="calls-panel"') and "The call is logged." in r.text
        assert "Maria Nowak" in r.text and "Called back." in r.text and "Duration 5:30" in r.text
        [call] = await calls(db)
        assert call.started_at.isoformat() == "2026-11-20T09:15:00+00:00" and call.duration_s == 330
        assert call.phone_number == "+48601234567" and call.agent_id == world["agent"].id
        assert (call.direction, call.outcome) == ("outbound", "answered")
        async with db.transaction() as s:
            assert await s.scalar(select(AuditEntry.action).where(AuditEntry.target_id == str(cid))
                                  .order_by(AuditEntry.id.desc())) == "conversation.call_logged"

    async def test_without_htmx_it_goes_back_to_the_conversation(self, client, db, world):
        csrf = await console_session(client, db, world["agent"])
        cid = world["conversation"].id
        r = await client.post(f"/console/conversations/{cid}/calls", data={
            "csrf_token": csrf, "direction": "inbound", "outcome": "missed"})
        assert r.status_code == 303 and r.headers["location"] == f"/console/conversations/{cid}"
        [call] = await calls(db)
        assert call.duration_s == 0 and call.phone_number is None

    @pytest.mark.parametrize("change,message", [
        ({"duration": "five"}, "is not minutes (5) or minutes and seconds (5:30)"),
        ({"duration": "5:75"}, "is not minutes (5) or minutes and seconds (5:30)"),
        ({"started_at": "yesterday"}, "The call time &#39;yesterday&#39; is not a date and time."),
        ({"outcome": "hung_up"}, "The field &#39;outcome&#39; does not accept the value &#39;hung_up&#39;."),
        ({"phone_number": "12"}, "12 is not a valid phone number."),
    ])
    async def test_bad_input_is_a_clear_400_and_nothing_is_logged(self, client, db, world, change, message):
        csrf = await console_session(client, db, world["agent"])
        r = await client.post(f"/console/conversations/{world['conversation'].id}/calls", headers=HTMX, data={
            "csrf_token": csrf, "direction": "outbound", "outcome": "answered", **change})
        assert r.status_code == 400 and message in r.text
        assert await calls(db) == []

    async def test_another_brands_conversation_is_not_found(self, client, db, world):
        other, _chat = await make_brand(db, slug="royal", name="Royal Spin")
        phone = await add_channel(db, other, ChannelType.phone, "Royal hotline")
        theirs = await conversation_from(db, phone, "Missed call", who="+358401234567")
        csrf = await console_session(client, db, world["agent"])
        r = await client.post(f"/console/conversations/{theirs.id}/calls", headers=HTMX, data={
            "csrf_token": csrf, "direction": "outbound", "outcome": "answered"})
        assert r.status_code == 404 and await calls(db) == []
