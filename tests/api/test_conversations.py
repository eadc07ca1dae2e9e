"""Conversations over the API: the filtered inbox with a cursor, changes, replies, notes and files."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from croupier.live import get_hub
from croupier.models import Attachment, AuditEntry, Conversation, Message
from tests.api.world import bearer, build_world, count, row
from tests.factories import player_says, widget_session


async def _conversation(client, channel, visitor: str, body: str = "hi") -> int:
    token = await widget_session(client, channel, player_id=visitor)
    return (await player_says(client, token, body))["conversation_id"]


def ids(response) -> list[int]:
    assert response.status_code == 200, response.text
    return [c["id"] for c in response.json()["items"]]


class TestInbox:
    async def test_newest_activity_first_and_the_cursor_walks_everything_once(self, client, db):
        w = await build_world(client, db)
        made = [await _conversation(client, w.a.channel, f"P-{i}") for i in range(3)]
        seen, cursor = [], None
        while True:
            r = await w.call("agent_a", "GET", "/api/v1/conversations?limit=2" + (f"&cursor={cursor}" if cursor else ""))
            seen += ids(r)
            cursor = r.json()["next_cursor"]
            if cursor is None:
                break
        assert seen == list(reversed(made)) + [w.a.conversation_id]

    async def test_filters(self, client, db):
        w = await build_world(client, db)
        other = await _conversation(client, w.a.channel, "P-7")
        agent_id = w.users["agent_a"].id
        await w.call("agent_a", "PATCH", f"/api/v1/conversations/{other}",
                     json={"status": "pending", "assignee_id": agent_id, "add_tags": ["Withdrawal"]})
        assert ids(await w.call("admin", "GET", "/api/v1/conversations?status=pending")) == [other]
        assert set(ids(await w.call("admin", "GET", "/api/v1/conversations?status=pending&status=open"))) == {
            other, w.a.conversation_id, w.b.conversation_id}
        assert ids(await w.call("admin", "GET", f"/api/v1/conversations?brand_id={w.b.brand.id}")) == [
            w.b.conversation_id]
        assert ids(await w.call("admin", "GET", f"/api/v1/conversations?assignee_id={agent_id}")) == [other]
        assert other not in ids(await w.call("admin", "GET", "/api/v1/conversations?unassigned=true"))
        assert ids(await w.call("admin", "GET", "/api/v1/conversations?tag=withdrawal")) == [other]
        assert ids(await w.call("admin", "GET", f"/api/v1/conversations?player_id={w.b.player_id}")) == [
            w.b.conversation_id]
        assert ids(await w.call("admin", "GET", "/api/v1/conversations?channel_type=email")) == []
        assert len(ids(await w.call("admin", "GET", "/api/v1/conversations?channel_type=webchat"))) == 3

    async def test_a_brand_filter_cannot_widen_an_agents_scope(self, client, db):
        w = await build_world(client, db)
        assert ids(await w.call("agent_a", "GET", f"/api/v1/conversations?brand_id={w.b.brand.id}")) == []


class TestUpdate:
    async def test_status_priority_assignee_team_and_tags(self, client, db):
        w = await build_world(client, db)
        team = (await w.call("admin", "POST", "/api/v1/teams", json={"name": "Payments"})).json()["id"]
        r = await w.call("supervisor", "PATCH", f"/api/v1/conversations/{w.a.conversation_id}", json={
            "status": "resolved", "priority": "urgent", "assignee_id": w.users["agent_a"].id, "team_id": team,
            "add_tags": ["KYC", "vip"]})
        assert r.status_code == 200, r.text
        body = r.json()
        assert (body["status"], body["priority"], body["assignee_id"], body["team_id"]) == (
            "resolved", "urgent", w.users["agent_a"].id, team)
        assert body["tags"] == ["kyc", "vip"] and body["resolved_at"] is not None
        r = await w.call("supervisor", "PATCH", f"/api/v1/conversations/{w.a.conversation_id}",
                         json={"assignee_id": 0, "remove_tags": ["vip"]})
        assert r.json()["assignee_id"] is None and r.json()["tags"] == ["kyc"]
        async with db.transaction() as s:
            actions = list(await s.scalars(select(AuditEntry.action).where(
                AuditEntry.target_type == "conversation", AuditEntry.target_id == str(w.a.conversation_id))
                .order_by(AuditEntry.id)))
        assert actions == ["conversation.updated", "conversation.updated"]

    async def test_assigning_someone_of_another_brand_is_400_and_unchanged(self, client, db):
        w = await build_world(client, db)
        before = await row(db, Conversation, w.a.conversation_id)
        r = await w.call("supervisor", "PATCH", f"/api/v1/conversations/{w.a.conversation_id}",
                         json={"assignee_id": w.users["agent_b"].id, "priority": "high"})
        assert r.status_code == 400 and r.json()["error"]["code"] == "assignee_out_of_scope"
        assert await row(db, Conversation, w.a.conversation_id) == before

    async def test_snoozing_without_a_time_is_400(self, client, db):
        w = await build_world(client, db)
        before = await row(db, Conversation, w.a.conversation_id)
        r = await w.call("agent_a", "PATCH", f"/api/v1/conversations/{w.a.conversation_id}", json={"status": "snoozed"})
        assert r.status_code == 400 and r.json()["error"]["code"] == "snooze_needs_time"
        assert await row(db, Conversation, w.a.conversation_id) == before


class TestReplies:
    async def test_reply_reaches_the_player_and_a_note_does_not(self, client, db):
        w = await build_world(client, db)
        reply = await w.call("agent_a", "POST", f"/api/v1/conversations/{w.a.conversation_id}/messages",
                             json={"body": "Your withdrawal was sent today."})
        assert reply.status_code == 201
        assert (reply.json()["author_type"], reply.json()["author_name"]) == ("agent", "Agent.A")
        note = await w.call("agent_a", "POST", f"/api/v1/conversations/{w.a.conversation_id}/messages",
                            json={"body": "Checked with payments.", "private": True})
        assert note.status_code == 201 and note.json()["is_private"] and note.json()["delivery_state"] is None

        player_view = await client.get("/api/widget/v1/messages", headers=bearer(w.a.widget_token))
        bodies = [m["body"] for m in player_view.json()]
        assert "Your withdrawal was sent today." in bodies and "Checked with payments." not in bodies
        staff_view = await w.call("supervisor", "GET", f"/api/v1/conversations/{w.a.conversation_id}/messages")
        assert [m["body"] for m in staff_view.json()["items"]][-2:] == [
            "Your withdrawal was sent today.", "Checked with payments."]
        conversation = await row(db, Conversation, w.a.conversation_id)
        assert conversation["assignee_id"] == w.users["agent_a"].id and conversation["first_response_at"]

    async def test_a_blank_reply_is_400_and_stores_nothing(self, client, db):
        w = await build_world(client, db)
        messages = await count(db, Message)
        r = await w.call("agent_a", "POST", f"/api/v1/conversations/{w.a.conversation_id}/messages",
                         json={"body": "   "})
        assert r.status_code == 400 and r.json()["error"]["code"] == "empty_message"
        assert await count(db, Message) == messages

    async def test_messages_page_with_a_cursor(self, client, db):
        w = await build_world(client, db)
        for i in range(3):
            await w.call("agent_a", "POST", f"/api/v1/conversations/{w.a.conversation_id}/messages",
                         json={"body": f"reply {i}"})
        seen, cursor = [], None
        while True:
            path = f"/api/v1/conversations/{w.a.conversation_id}/messages?limit=2"
            r = await w.call("agent_a", "GET", path + (f"&cursor={cursor}" if cursor else ""))
            seen += [m["body"] for m in r.json()["items"]]
            cursor = r.json()["next_cursor"]
            if cursor is None:
                break
        assert seen == ["Hello from alpha", "", "reply 0", "reply 1", "reply 2"]


class TestLiveEvents:
    async def test_a_reply_reaches_the_players_stream_and_a_note_only_staff(self, client, db):
        w = await build_world(client, db)
        hub = get_hub()
        async with hub.subscribe(lambda e: e.to_player and e.conversation_id == w.a.conversation_id) as player, \
                hub.subscribe(lambda e: e.to_staff and e.conversation_id == w.a.conversation_id) as staff:
            await w.call("agent_a", "POST", f"/api/v1/conversations/{w.a.conversation_id}/messages",
                         json={"body": "Internal: check KYC", "private": True})
            await w.call("agent_a", "POST", f"/api/v1/conversations/{w.a.conversation_id}/messages",
                         json={"body": "All sorted!"})
            got = await asyncio.wait_for(player.queue.get(), 5)
            assert got.type == "message.created" and got.data["message"]["body"] == "All sorted!"
            assert player.queue.empty()
            seen = [(await asyncio.wait_for(staff.queue.get(), 5)).data["message"]["body"] for _ in range(2)]
            assert seen == ["Internal: check KYC", "All sorted!"]

    async def test_a_refused_reply_publishes_nothing(self, client, db):
        w = await build_world(client, db)
        async with get_hub().subscribe(lambda e: e.conversation_id == w.a.conversation_id) as sub:
            r = await w.call("readonly", "POST", f"/api/v1/conversations/{w.a.conversation_id}/messages",
                             json={"body": "nope"})
            assert r.status_code == 403
            await w.call("agent_a", "PATCH", f"/api/v1/conversations/{w.a.conversation_id}", json={"priority": "low"})
            got = await asyncio.wait_for(sub.queue.get(), 5)
            assert got.type == "conversation.updated" and got.data["changes"] == {"priority": "low"}
            assert sub.queue.empty()


class TestAttachments:
    async def test_upload_then_download(self, client, db):
        w = await build_world(client, db)
        png = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                            "0000000d4944415478da63f8cfc0f01f0005000201a1d0e3a40000000049454e44ae426082")
        r = await w.call("agent_a", "POST", f"/api/v1/conversations/{w.a.conversation_id}/attachments",
                         files={"file": ("../../proof.png", png, "application/octet-stream")},
                         data={"body": "Here is the proof", "private": "true"})
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["is_private"] and body["body"] == "Here is the proof"
        [att] = body["attachments"]
        assert (att["filename"], att["content_type"], att["size"]) == ("proof.png", "image/png", len(png))
        download = await w.call("supervisor", "GET", f"/api/v1/attachments/{att['id']}")
        assert download.status_code == 200 and download.content == png
        assert download.headers["content-type"] == "image/png"
        assert (await w.call("agent_b", "GET", f"/api/v1/attachments/{att['id']}")).status_code == 404
        hidden = await client.get(f"/api/widget/v1/attachments/{att['id']}", headers=bearer(w.a.widget_token))
        assert hidden.status_code == 404  # a private note's file never reaches the player

    async def test_players_files_are_readable_by_staff(self, client, db):
        w = await build_world(client, db)
        r = await w.call("agent_a", "GET", f"/api/v1/attachments/{w.a.attachment_id}")
        assert r.status_code == 200 and r.content == b"deposit receipt 42"
        assert "receipt.txt" in r.headers["content-disposition"]

    async def test_a_refused_file_type_is_415_and_stores_nothing(self, client, db, settings):
        w = await build_world(client, db)
        messages, files = await count(db, Message), await count(db, Attachment)
        r = await w.call("agent_a", "POST", f"/api/v1/conversations/{w.a.conversation_id}/attachments",
                         files={"file": ("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\xff\xfe\x00")})
        assert r.status_code == 415 and r.json()["error"]["code"] == "unsupported_media_type"
        assert (await count(db, Message), await count(db, Attachment)) == (messages, files)

    async def test_an_empty_file_is_400(self, client, db):
        w = await build_world(client, db)
        files = await count(db, Attachment)
        r = await w.call("agent_a", "POST", f"/api/v1/conversations/{w.a.conversation_id}/attachments",
                         files={"file": ("empty.txt", b"")})
        assert r.status_code == 400 and r.json()["error"]["code"] == "empty_file"
        assert await count(db, Attachment) == files

    async def test_unknown_attachment_is_404(self, client, db):
        w = await build_world(client, db)
        r = await w.call("admin", "GET", "/api/v1/attachments/99999")
        assert r.status_code == 404 and r.json()["error"]["message"] == "There is no such file."
