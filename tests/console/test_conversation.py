"""The conversation page: messages, replies and notes, properties, typing, files, and brand scope."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from croupier.conversation.service import conversation_service
from croupier.live import get_hub
from croupier.models import (
    AuditEntry,
    AuthorType,
    Channel,
    Conversation,
    Message,
    PlayerIdentity,
    Priority,
    Role,
    Status,
)
from tests.console.flows import HTMX
from tests.factories import console_session, make_brand, make_user, player_says, widget_session

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
async def world(client, db):
    lucky, lucky_chat = await make_brand(db, "lucky", "Lucky Star")
    royal, royal_chat = await make_brand(db, "royal", "Royal Spin")
    agent = await make_user(db, "agent@lucky.test", Role.agent, [lucky], name="Anna Agent")
    colleague = await make_user(db, "colleague@lucky.test", Role.agent, [lucky], name="Carl Colleague")
    supervisor = await make_user(db, "boss@lucky.test", Role.supervisor, [lucky], name="Sue Supervisor")
    outsider = await make_user(db, "agent@royal.test", Role.agent, [royal], name="Rita Royal")
    token = await widget_session(client, lucky_chat, player_id="P-7", name="Olli Player")
    sent = await player_says(client, token, "Where is my withdrawal?")
    royal_token = await widget_session(client, royal_chat)
    royal_upload = await client.post("/api/widget/v1/attachments", files={"file": ("id.png", PNG, "image/png")},
                                     headers={"Authorization": f"Bearer {royal_token}"})
    assert royal_upload.status_code == 201, royal_upload.text
    return {"agent": agent, "colleague": colleague, "supervisor": supervisor, "outsider": outsider,
            "token": token, "id": sent["conversation_id"], "royal_id": royal_upload.json()["conversation_id"],
            "royal_attachment": royal_upload.json()["attachments"][0]["id"]}


async def conversation(db, conversation_id: int) -> Conversation:
    async with db.transaction() as s:
        return await s.get(Conversation, conversation_id)


async def audit(db, action: str) -> list[dict]:
    async with db.transaction() as s:
        return list(await s.scalars(select(AuditEntry.details).where(AuditEntry.action == action)))


async def update(client, world, csrf: str, **form: str):
    return await client.post(f"/console/conversations/{world['id']}/update", data={**form, "csrf_token": csrf},
                             headers=HTMX)


class TestView:
    async def test_page_shows_the_messages_styled_by_author(self, client, db, world):
        csrf = await console_session(client, db, world["agent"])
        await client.post(f"/console/conversations/{world['id']}/reply",
                          data={"body": "Checking now", "private": "0", "csrf_token": csrf})
        await client.post(f"/console/conversations/{world['id']}/reply",
                          data={"body": "VIP, be quick", "private": "1", "csrf_token": csrf})
        page = await client.get(f"/console/conversations/{world['id']}")
        assert page.status_code == 200
        assert 'id="messages"' in page.text and 'id="reply-body"' in page.text and 'id="reply-send"' in page.text
        kinds = re.findall(r'<li class="(message[^"]*)"\s+id="message-\d+" data-message-id="\d+"', page.text)
        assert kinds == ["message message--player", "message message--agent", "message message--agent message--note"]
        assert "Private note" in page.text and "Olli Player" in page.text and "Anna Agent" in page.text

    async def test_messages_partial_returns_only_newer_ones(self, client, db, world):
        await console_session(client, db, world["agent"])
        await player_says(client, world["token"], "Hello?")
        first = await client.get(f"/console/conversations/{world['id']}/messages", headers=HTMX)
        ids = [int(x) for x in re.findall(r'data-message-id="(\d+)"', first.text)]
        assert len(ids) == 2
        newer = await client.get(f"/console/conversations/{world['id']}/messages?after={ids[0]}", headers=HTMX)
        assert re.findall(r'data-message-id="(\d+)"', newer.text) == [str(ids[1])] and "Hello?" in newer.text


    async def test_a_long_conversation_shows_its_latest_messages_and_says_so(self, client, db, world):
        async with db.transaction() as s:
            conv = await s.get(Conversation, world["id"])
            identity = await s.get(PlayerIdentity, conv.identity_id)
            channel = await s.get(Channel, conv.channel_id)
            for i in range(200):
                await conversation_service.receive(s, channel=channel, identity=identity, body=f"line {i}")
        await console_session(client, db, world["agent"])
        page = await client.get(f"/console/conversations/{world['id']}")
        assert len(re.findall(r'data-message-id="\d+"', page.text)) == 200
        assert "Where is my withdrawal?" not in page.text and "line 199" in page.text
        assert "Only the latest 200 messages are shown." in page.text


class TestReply:
    async def test_reply_is_stored_audited_and_reaches_the_player(self, client, db, world):
        csrf = await console_session(client, db, world["agent"])
        r = await client.post(f"/console/conversations/{world['id']}/reply",
                              data={"body": "It is on its way.", "private": "0", "csrf_token": csrf}, headers=HTMX)
        assert r.status_code == 200 and 'class="message message--agent"' in r.text
        async with db.transaction() as s:
            message = await s.scalar(select(Message).where(Message.author_type == AuthorType.agent))
            conv = await s.get(Conversation, world["id"])
        assert message.body == "It is on its way." and not message.is_private
        assert message.author_user_id == world["agent"].id
        assert conv.assignee_id == world["agent"].id and conv.first_response_at is not None
        assert await audit(db, "conversation.replied") == [{"message_id": message.id}]
        history = await client.get("/api/widget/v1/messages", headers={"Authorization": f"Bearer {world['token']}",
                                                                        "accept": "application/json"})
        assert [m["body"] for m in history.json()] == ["Where is my withdrawal?", "It is on its way."]

    async def test_private_note_stays_with_staff(self, client, db, world):
        csrf = await console_session(client, db, world["agent"])
        r = await client.post(f"/console/conversations/{world['id']}/reply",
                              data={"body": "Check KYC first", "private": "1", "csrf_token": csrf}, headers=HTMX)
        assert r.status_code == 200 and "message--note" in r.text
        assert len(await audit(db, "conversation.note_added")) == 1
        history = await client.get("/api/widget/v1/messages", headers={"Authorization": f"Bearer {world['token']}",
                                                                        "accept": "application/json"})
        assert [m["body"] for m in history.json()] == ["Where is my withdrawal?"]

    @pytest.mark.parametrize("body, message", [("   ", "The message is empty."),
                                               ("x" * 10_001, "The message is too long")])
    async def test_bad_reply_is_refused_and_nothing_is_stored(self, client, db, world, body, message):
        csrf = await console_session(client, db, world["agent"])
        r = await client.post(f"/console/conversations/{world['id']}/reply", data={"body": body, "csrf_token": csrf},
                              headers=HTMX)
        assert r.status_code == 400 and message in r.text
        async with db.transaction() as s:
            assert await s.scalar(select(func.count()).select_from(Message)) == 2

    async def test_reply_with_a_file_and_its_download(self, client, db, world):
        csrf = await console_session(client, db, world["agent"])
        r = await client.post(f"/console/conversations/{world['id']}/reply", data={"body": "", "csrf_token": csrf},
                              files={"file": ("receipt.png", PNG, "image/png")}, headers=HTMX)
        assert r.status_code == 200 and "receipt.png" in r.text
        attachment_id = re.search(r'href="/console/attachments/(\d+)"', r.text).group(1)
        download = await client.get(f"/console/attachments/{attachment_id}")
        assert download.status_code == 200 and download.content == PNG
        assert download.headers["content-disposition"].startswith("attachment")


class TestProperties:
    async def test_agent_takes_the_conversation(self, client, db, world):
        csrf = await console_session(client, db, world["agent"])
        r = await update(client, world, csrf, assignee="me")
        assert r.status_code == 200 and 'id="conversation-properties"' in r.text
        assert (await conversation(db, world["id"])).assignee_id == world["agent"].id
        assert await audit(db, "conversation.updated") == [{"changes": {"assignee_id": world["agent"].id}}]

    async def test_agent_cannot_hand_it_to_a_colleague(self, client, db, world):
        csrf = await console_session(client, db, world["agent"])
        r = await update(client, world, csrf, assignee=str(world["colleague"].id))
        assert r.status_code == 403
        assert (await conversation(db, world["id"])).assignee_id is None

    async def test_supervisor_assigns_within_the_brand_only(self, client, db, world):
        csrf = await console_session(client, db, world["supervisor"])
        assert (await update(client, world, csrf, assignee=str(world["colleague"].id))).status_code == 200
        assert (await conversation(db, world["id"])).assignee_id == world["colleague"].id
        r = await update(client, world, csrf, assignee=str(world["outsider"].id))
        assert r.status_code == 400 and "does not work on this brand" in r.text
        assert (await conversation(db, world["id"])).assignee_id == world["colleague"].id

    async def test_status_priority_and_team_in_one_save(self, client, db, world):
        from croupier.auth.users import user_service

        async with db.transaction() as s:
            team = await user_service.create_team(s, None, "Payments")
        csrf = await console_session(client, db, world["agent"])
        r = await update(client, world, csrf, status="pending", priority="urgent", team=str(team.id), assignee="none")
        assert r.status_code == 200
        conv = await conversation(db, world["id"])
        assert (conv.status, conv.priority, conv.team_id) == (Status.pending, Priority.urgent, team.id)
        assert await audit(db, "conversation.updated") == [
            {"changes": {"status": "pending", "priority": "urgent", "team_id": team.id}}]

    async def test_resolve_and_reopen(self, client, db, world):
        csrf = await console_session(client, db, world["agent"])
        await update(client, world, csrf, status="resolved")
        assert (await conversation(db, world["id"])).resolved_at is not None
        await update(client, world, csrf, status="open")
        conv = await conversation(db, world["id"])
        assert conv.status == Status.open and conv.resolved_at is None

    async def test_snooze_wakes_at_the_agents_local_time(self, client, db, world):
        csrf = await console_session(client, db, world["agent"])
        wake = (datetime.now(UTC) + timedelta(days=1)).replace(second=0, microsecond=0)
        local = wake + timedelta(hours=2)  # the agent is at UTC+2: getTimezoneOffset() is -120
        r = await update(client, world, csrf, status="snoozed", snooze_until=local.strftime("%Y-%m-%dT%H:%M"),
                         tz_offset="-120")
        assert r.status_code == 200
        conv = await conversation(db, world["id"])
        assert conv.status == Status.snoozed and conv.snoozed_until == wake
        later = local + timedelta(hours=3)
        await update(client, world, csrf, status="snoozed", snooze_until=later.strftime("%Y-%m-%dT%H:%M"),
                     tz_offset="-120")
        assert (await conversation(db, world["id"])).snoozed_until == wake + timedelta(hours=3)
        assert [a["changes"]["snoozed_until"] for a in await audit(db, "conversation.updated")] == [
            wake.isoformat(), (wake + timedelta(hours=3)).isoformat()]

    @pytest.mark.parametrize("form, message", [
        ({"status": "snoozed"}, "Snoozing needs a time in the future"),
        ({"status": "snoozed", "snooze_until": "tomorrow"}, "is not a date and time"),
        ({"status": "snoozed", "snooze_until": "2001-01-01T10:00"}, "Snoozing needs a time in the future"),
        ({"status": "asleep"}, "does not accept the value"),
        ({"priority": "critical"}, "does not accept the value"),
        ({"team": "12x"}, "does not accept the value"),
    ])
    async def test_bad_values_are_refused_and_nothing_changes(self, client, db, world, form, message):
        csrf = await console_session(client, db, world["agent"])
        valid_change = {} if "priority" in form else {"priority": "high"}  # must not be applied either
        r = await update(client, world, csrf, **valid_change, **form)
        assert r.status_code == 400 and message in r.text
        conv = await conversation(db, world["id"])
        assert (conv.status, conv.priority, conv.snoozed_until) == (Status.open, Priority.normal, None)
        assert await audit(db, "conversation.updated") == []

    async def test_tags_are_added_and_removed(self, client, db, world):
        csrf = await console_session(client, db, world["agent"])
        r = await update(client, world, csrf, add_tags="VIP, withdrawal , vip")
        assert r.status_code == 200 and "withdrawal" in r.text
        r = await update(client, world, csrf, remove_tag="vip")
        page = await client.get(f"/console/conversations/{world['id']}/properties", headers=HTMX)
        assert re.findall(r'name="remove_tag" value="([^"]+)"', page.text) == ["withdrawal"]
        assert await audit(db, "conversation.updated") == [{"changes": {"tags_added": ["vip", "withdrawal"]}},
                                                            {"changes": {"tags_removed": ["vip"]}}]

    async def test_unchanged_form_records_nothing(self, client, db, world):
        csrf = await console_session(client, db, world["agent"])
        r = await update(client, world, csrf, status="open", priority="normal", assignee="none", team="none")
        assert r.status_code == 200 and await audit(db, "conversation.updated") == []


class TestTyping:
    async def test_agent_typing_is_published_to_the_player(self, client, db, world):
        csrf = await console_session(client, db, world["agent"])
        async with get_hub().subscribe(lambda e: e.type == "typing") as sub:
            r = await client.post(f"/console/conversations/{world['id']}/typing", data={"typing": "true"},
                                  headers={"X-CSRF-Token": csrf})
            assert r.status_code == 204
            event = sub.queue.get_nowait()
        assert event.conversation_id == world["id"] and event.to_player and not event.to_staff
        assert event.data == {"who": "agent", "typing": True}

    async def test_bad_typing_value_is_refused(self, client, db, world):
        csrf = await console_session(client, db, world["agent"])
        r = await client.post(f"/console/conversations/{world['id']}/typing", data={"typing": "maybe"},
                              headers={"X-CSRF-Token": csrf})
        assert r.status_code == 400


class TestBrandScope:
    @pytest.mark.parametrize("method, path, form", [
        ("GET", "/console/conversations/{id}", None),
        ("GET", "/console/conversations/{id}/messages", None),
        ("GET", "/console/conversations/{id}/properties", None),
        ("POST", "/console/conversations/{id}/reply", {"body": "hello"}),
        ("POST", "/console/conversations/{id}/update", {"status": "closed"}),
        ("POST", "/console/conversations/{id}/typing", {"typing": "true"}),
        ("GET", "/console/attachments/{attachment}", None),
    ])
    async def test_other_brands_objects_do_not_exist(self, client, db, world, method, path, form):
        csrf = await console_session(client, db, world["agent"])
        url = path.format(id=world["royal_id"], attachment=world["royal_attachment"])
        r = await client.request(method, url, data={**form, "csrf_token": csrf} if form is not None else None)
        assert r.status_code == 404
        assert "Royal" not in r.text
        conv = await conversation(db, world["royal_id"])
        assert conv.status == Status.open and conv.message_count == 1

    async def test_unknown_conversation_is_404(self, client, db, world):
        await console_session(client, db, world["agent"])
        assert (await client.get("/console/conversations/999999")).status_code == 404
        assert (await client.get("/console/conversations/abc")).status_code == 404

    async def test_the_brands_own_agent_can_download(self, client, db, world):
        await console_session(client, db, world["outsider"])
        r = await client.get(f"/console/attachments/{world['royal_attachment']}?inline=1")
        assert r.status_code == 200 and r.headers["content-disposition"].startswith("inline")
